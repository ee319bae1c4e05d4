FROM python:3.11-slim AS builder
ENV POETRY_VERSION=1.8.2 PIP_NO_CACHE_DIR=1
RUN pip install "poetry==$POETRY_VERSION"
WORKDIR /build
COPY pyproject.toml poetry.lock ./
RUN poetry export -f requirements.txt -o requirements.txt
RUN pip wheel --wheel-dir /wheels -r requirements.txt

FROM python:3.11-slim
COPY --from=builder /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
COPY app /app
WORKDIR /app
USER 1000:1000
CMD ["python", "-m", "app"]
