# syntax=docker/dockerfile:1

# ---- build: all dependencies, then the SvelteKit bundle (adapter-node, into build/) ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

# ---- production dependencies only, installed apart so no dev tool reaches the image ----
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# ---- runtime ----
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data
WORKDIR /app

# Code stays root-owned and read-only to the app; only the data folder is writable.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY package.json ./
# server/main.ts runs on Node 24's type stripping and imports the TypeScript sources under
# src/lib/server and src/lib/shared directly, so those ship as source.
COPY server ./server
COPY src/lib ./src/lib
# `npm run backup` / `npm run restore` (docker compose exec app npm run backup). For Postgres
# they need pg_dump/pg_restore of the server's major version on the PATH, which this slim image
# does not have: back Postgres up from a host or container that has them (see README).
COPY scripts/backup ./scripts/backup
# Node's compile cache of the server's TypeScript (server/compile-cache.ts), filled by this
# image's node with the server's flags, so that the server never loads the type stripper.
COPY scripts/warm-compile-cache.ts ./scripts/warm-compile-cache.ts
RUN node scripts/warm-compile-cache.ts

RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000

# No curl in the slim image; Node's fetch does the probe. Any answer below 500 means "serving".
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
	CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/').then((r) => process.exit(r.status < 500 ? 0 : 1), () => process.exit(1))"]

# V8 flags, malloc settings and the compile cache bounding the server's memory:
# server/node-flags.ts (checked against these lines).
ENV MALLOC_ARENA_MAX=1
ENV MALLOC_MMAP_THRESHOLD_=65536
ENV MALLOC_TRIM_THRESHOLD_=65536
ENV NODE_COMPILE_CACHE=.cache/node-compile
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=50", "--liftoff-only", "server/main.ts"]
