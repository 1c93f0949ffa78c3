"""The officers' web console (issue 13): Jinja2 + htmx pages under /console."""
