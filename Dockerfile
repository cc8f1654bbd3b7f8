# The app image: the Talkbook server and its built client. It runs no kernels: it needs
# JUPYTER_URL (and JUPYTER_TOKEN) of a Jupyter Server or gateway, such as the `kernels` service
# of docker-compose.yml (built from kernel-config/Dockerfile). Build from the repository root:
#
#   docker build -t talkbook .
#
# The build steps are the ones .ci/run and `npm start` perform: `npm ci`, then the client build.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    TALKBOOK_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json /app/tsconfig.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/server ./server
COPY --from=build /app/client/dist ./client/dist
# Conversations live in /data (a volume); the server runs as the image's unprivileged `node` user.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# tsx runs the TypeScript server as is (no build step for the server); node is PID 1's child
# under `init: true`, and gets SIGTERM directly to shut kernels down cleanly.
CMD ["node", "--import", "tsx", "server/index.ts"]
