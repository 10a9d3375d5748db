"""The programme around the match (issue 13): training, labour brands, rights-protection cases, transport
batches, subsidies and certificates. Store code only; the rules are in ``models.actions``."""
