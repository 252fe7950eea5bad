import { gzipSync } from 'zlib';
import { randomBytes } from 'crypto';

/** A `.tar.gz` of the given files (name → content), written by hand: ustar headers. */
export function tarGz(files: Record<string, Buffer | string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(body.length.toString(8).padStart(11, '0') + '\0', 124);
    header.write('14000000000\0', 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0' + '00', 257);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

export const METADATA = JSON.stringify({
  action_space: [
    { steering_angle: -30, speed: 0.5, index: 0 },
    { steering_angle: 0, speed: 1, index: 1 },
    { steering_angle: 30, speed: 0.5, index: 2 },
  ],
  sensor: ['FRONT_FACING_CAMERA'],
  training_algorithm: 'clipped_ppo',
  action_space_type: 'discrete',
  version: '5',
});

/** A model archive as the DeepRacer console exports it, with `size` bytes of graph. */
export function goodModel(size: number): Buffer {
  return tarGz({ 'model_metadata.json': METADATA, 'agent/model.pb': randomBytes(size) });
}
