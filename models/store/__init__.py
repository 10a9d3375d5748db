"""The store: the database connection, its schema and forward migrations, configuration and the clock."""
