FROM node:20 AS build
RUN echo first
FROM node:20 AS build
RUN echo second
FROM nginx:1.27
COPY --from=build /app /usr/share/nginx/html
