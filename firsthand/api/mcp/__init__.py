"""The MCP server (issue 20): transport.py is the /mcp endpoint, tools.py what an assistant may ask of it."""
