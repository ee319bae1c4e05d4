ARG REGISTRY=docker.io
ARG BASE_TAG=3.19
FROM ${REGISTRY}/library/alpine:${BASE_TAG} AS base
ARG BASE_TAG
LABEL base.tag=$BASE_TAG
FROM base
RUN apk add --no-cache curl
USER 1000
