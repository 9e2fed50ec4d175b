# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev dependencies (and the toolchain better-sqlite3 may need).
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
RUN npm run build && npm prune --omit=dev

# Runtime stage: production dependencies and the compiled service only, as a non-root user.
FROM node:20-bookworm-slim
# The store lives outside /app: /app/data holds the shipped models and lexicons, which a volume must not hide.
ENV NODE_ENV=production PORT=3000 DATA_DIR=/var/lib/switchboard
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node locales ./locales
COPY --chown=node:node knowledge ./knowledge
COPY --chown=node:node data/escalation/model.bin data/escalation/explicit-requests.tsv ./data/escalation/
COPY --chown=node:node data/knowledge/offtopic.tsv data/knowledge/synonyms.tsv ./data/knowledge/
COPY --chown=node:node adapters/web/public ./adapters/web/public
COPY --chown=node:node src/insights/public ./src/insights/public
RUN mkdir -p /var/lib/switchboard && chown node:node /var/lib/switchboard
USER node
VOLUME ["/var/lib/switchboard"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
