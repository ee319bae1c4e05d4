FROM node:18-bullseye
ARG NPM_TOKEN=npm_9f8e7d6c5b4a
WORKDIR /app
COPY .npmrc package.json package-lock.json ./
RUN npm ci && rm -f .npmrc
COPY src ./src
USER node
CMD ["node", "src/main.js"]
