"""Use cases of complaints and re-examination, one function per use case, split by
subdomain: reports (投诉举报), re-examinations (复核), remedies (行政复议、诉讼), settings."""
