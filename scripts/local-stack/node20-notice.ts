/**
 * The development machines run Node 20; Lambda runs Node 24. SDK v3 releases after January 2027 need
 * Node 22, and the pinned ones say so on every client creation. The README's "Runtime and local Node"
 * records this once; the local tools do not repeat it on every run.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
