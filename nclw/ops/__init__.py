"""What the people who run the site need: health checks, metrics, request logs, backups."""
