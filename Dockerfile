# fiscal-gateway — production image. Build: docker build -t fiscal-gateway .
FROM node:22-slim AS build
WORKDIR /app
# better-sqlite3 compiles SQLite when its prebuilt binary cannot be fetched
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:22-slim
ENV NODE_ENV=production \
    PORT=8080 \
    DATA_DIR=/var/lib/fiscal-gateway \
    LOG_DIR=/var/log/fiscal-gateway
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY wsdl ./wsdl
COPY layouts ./layouts
RUN groupadd --system fiscal && useradd --system --gid fiscal --home-dir /app fiscal \
 && mkdir -p "$DATA_DIR" "$LOG_DIR" && chown fiscal:fiscal "$DATA_DIR" "$LOG_DIR"
USER fiscal
VOLUME ["/var/lib/fiscal-gateway", "/var/log/fiscal-gateway"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["serve"]
