# The Baton service. Baton runs its TypeScript sources through tsx (a runtime dependency), so there is
# no build step: production dependencies plus the sources are the whole image.
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# tsx, which runs the sources, is a production dependency: --omit=dev leaves out only tools and tests.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Sources, prompts and evals; .dockerignore keeps out node_modules, data, tests and secrets.
COPY . .

# The embedded database (used only without DATABASE_URL) lives in a volume-friendly directory.
ENV HOST=0.0.0.0 \
    PORT=3000 \
    BATON_DATA_DIR=/data
RUN mkdir -p /data && chown node:node /data
USER node

EXPOSE 3000
CMD ["node", "bin/baton.js", "serve"]
