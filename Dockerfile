# The gateway as a container; `docker compose up` runs it on PostgreSQL (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# README.m[d]: copied when present (pyproject.toml names it as the long description).
COPY pyproject.toml constraints.txt README.m[d] ./
COPY app ./app
COPY schema ./schema
COPY resolvers ./resolvers
COPY rest_compat ./rest_compat
# constraints.txt: the exact versions the test suite passed with.
RUN pip install --no-cache-dir -c constraints.txt . \
    && rm -rf /src

# Runs unprivileged; ./var (the SQLite default, when no database URL is given) is its own.
RUN useradd --system --create-home --home-dir /srv/crm-gateway --uid 10001 crm \
    && mkdir -p /srv/crm-gateway/var \
    && chown -R crm:crm /srv/crm-gateway
WORKDIR /srv/crm-gateway
USER crm

EXPOSE 8000
CMD ["crm-gateway", "serve", "--host", "0.0.0.0", "--port", "8000"]
