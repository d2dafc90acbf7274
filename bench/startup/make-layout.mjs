// Wraps gzip layers made by make-image.sh as an OCI layout: node make-layout.mjs DIR LAYER.tar.gz...
// The layers are moved into DIR's blobs; the image (tag `plain`) runs the start command that run.sh measures.
import { layoutAt } from '../lib/image-writer.mjs';

// What the container runs: start Python, import a module from the standard library, say it is up.
const START_COMMAND = ['python3.11', '-c', 'import json; print("ready", flush=True)'];

const [dir, ...files] = process.argv.slice(2);
const layout = layoutAt(dir);
const layers = [];
for (const file of files) layers.push(await layout.adoptGzipLayer(file));
layout.finish([layout.writeImage('plain', layers, { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: START_COMMAND })]);
