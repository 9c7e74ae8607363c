"""Use cases of straw-burning supervision, one module per subdomain: the 包保 tree
(``tree``), fire points in (``fires``), the clock and the site (``dispatch``), the county's
re-check (``recheck``) and accountability (``accountability``)."""
