FROM postgres:16.3
ENV POSTGRES_PASSWORD_FILE=/run/secrets/pg_password
ARG GITHUB_TOKEN
RUN --mount=type=secret,id=github_token \
    GITHUB_TOKEN=$(cat /run/secrets/github_token) /usr/local/bin/fetch-extensions
COPY init.sql /docker-entrypoint-initdb.d/
USER postgres
