FROM debian:12-slim
# moat:ignore MOAT-DF-020
RUN cd /tmp && echo hi
USER 1000
