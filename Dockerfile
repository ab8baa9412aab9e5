# syntax=docker/dockerfile:1
# Node 22 on Debian (glibc): the tree-sitter prebuilds do not load on Alpine's musl.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src src
COPY rules rules
COPY bench bench
# `npm ci` runs `prepare`, which compiles TypeScript into dist/.
RUN npm ci

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; no install scripts (tree-sitter loads its prebuilt binaries).
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist dist
COPY app.yml ./
# Without Redis, the journal of unfinished reviews lives here: owned by the user the server runs
# as, and a volume, so a restarted container completes what a killed one left open.
ENV OTP_REVIEW_STATE_DIR=/app/.otp-review
RUN mkdir -p /app/.otp-review && chown node:node /app/.otp-review
VOLUME /app/.otp-review
USER node
EXPOSE 3000
# Node itself, not `npm start`: npm runs the server through `sh -c`, and dash does not pass
# SIGTERM on, so `docker stop` would kill running reviews instead of letting them finish.
CMD ["node", "dist/src/server.js"]
