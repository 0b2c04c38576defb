# The Execora image used by docker-compose.yml for the app, the worker and migrations.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /srv/execora

COPY pyproject.toml README.md ./
COPY app ./app
COPY business ./business
COPY db ./db
COPY bot ./bot
COPY telephony ./telephony
COPY workers ./workers
COPY dashboard ./dashboard
RUN pip install . && useradd --system --home /var/lib/execora execora \
    && mkdir -p /var/lib/execora && chown execora /var/lib/execora

USER execora
EXPOSE 3000
CMD ["execora", "serve"]
