"""Base templates, static assets, the workbench shell and the API's error format."""
