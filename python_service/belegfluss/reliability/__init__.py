"""Self-protection of the sidecar and of the services behind it: quotas per API key, load limits
(request size, heavy-request shedding) and circuit breakers per delivery target shared by every
n8n worker."""
