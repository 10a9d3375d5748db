"""Placements and stability: placements (就业记录) and follow-ups (回访), stability and risk of leaving,
subsidies, list comparison (数据比对), reports."""
