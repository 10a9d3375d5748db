"""The 推荐岗位 page keeps jobs below the relevance floor apart, as 其他在招岗位 (issue 10), against the real
store and the real encoder: the welder sees the welding job in the main list and the sewing job, which he
can take but which is not his kind of work, only in the labelled section below it."""
from __future__ import annotations

import re


def _sections(html: str) -> tuple[str, str]:
    """(main list, 其他在招岗位 section) of the page."""
    found = re.search(r'<section id="other-jobs".*?</section>', html, flags=re.DOTALL)
    other = found.group(0) if found else ""
    return html.replace(other, ""), other


def test_unrelated_job_is_listed_apart_as_other_jobs(site, world, encoder):
    html = site.login("worker_a").get("/me/matches").text
    main, other = _sections(html)
    assert "其他在招岗位" in other
    assert ">电焊工</a>" in main and ">电焊工</a>" not in other
    assert ">缝纫工</a>" in other and ">缝纫工</a>" not in main

