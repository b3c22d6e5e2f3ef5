"""`digitize serve`: the archive in a browser (review with the page in view, search, read)
and as JSON for other systems; Starlette + Jinja2, no build step, nothing from a CDN."""
