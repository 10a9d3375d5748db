"""Hiring: postings (岗位), who is eligible for a posting (hard requirements), and applications and staff
recommendations (the pipeline from 投递/推荐 to 录用)."""
