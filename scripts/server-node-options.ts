/**
 * Node's options for a web server process (decision 021, fourth part): V8's young generation sized for
 * a server. A learner's request allocates a few hundred kilobytes that die with it; with V8's default
 * semi-spaces (16 MB on 64 bits) the busy process scavenges every few dozen requests, and objects of
 * requests still under way get copied and promoted. Larger semi-spaces make scavenges rarer and each no
 * longer (their cost is what survives, not the space's size). The options must be given when the
 * process starts: `npm start` passes them (package.json; the cluster's web processes inherit them), and
 * so do the benches' servers (bench/learner-load.ts, bench/learner-request-cpu.ts).
 */
export const WEB_SERVER_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=32'];
