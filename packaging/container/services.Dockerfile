# PostgreSQL and NATS from Debian's packages, for the compose setup where no image registry is
# reachable (elsewhere compose.yaml's defaults, the postgres and nats images, are used instead).
#   podman build -f packaging/container/services.Dockerfile --target postgres -t localhost/starling-postgres .
#   podman build -f packaging/container/services.Dockerfile --target nats -t localhost/starling-nats .
ARG BASE=docker.io/library/debian:bookworm-slim

FROM ${BASE} AS postgres
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data \
 && install -d -o postgres -g postgres /run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
VOLUME ["/var/lib/postgresql/data"]
EXPOSE 5432
HEALTHCHECK --interval=5s --timeout=3s --retries=10 CMD ["pg_isready", "-h", "127.0.0.1", "-q"]
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]

FROM ${BASE} AS nats
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nats-server \
 && rm -rf /var/lib/apt/lists/*
USER nobody
EXPOSE 4222
ENTRYPOINT ["/usr/sbin/nats-server"]
CMD ["-a", "0.0.0.0", "-p", "4222"]
