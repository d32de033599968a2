// File-system primitives for everything the product stores: whole-file writes that are atomic
// (a crash or a full disk leaves either the old file or the new one, never a torn or empty one),
// folder creation that cannot loop, and one translation of storage failures into errors a user
// can act on.
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from './user-error';

/** A write or read of stored data failed for a reason outside the program (full disk, permissions, damage). */
export class StorageError extends UserError {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message, 3);
    this.name = 'StorageError';
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  ENOENT: 'no such file or folder',
  EEXIST: 'it already exists',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
};

/** Wraps a failed file-system call as a one-line `StorageError` naming what was being done. */
export function storageError(err: unknown, doing: string): Error {
  if (err instanceof UserError) return err;
  const e = err as NodeJS.ErrnoException;
  if (!e || typeof e.code !== 'string') return err instanceof Error ? err : new Error(String(err));
  const reason = REASONS[e.code] ?? e.code;
  return new StorageError(`${doing}: ${reason}`, e.code);
}

export const isDiskFull = (err: unknown): boolean => {
  const code = (err as { code?: unknown })?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
};

/** Writes every byte of `data` at the descriptor's position (a single write(2) may be partial). */
export function writeAll(fd: number, data: Buffer): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done);
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot open or sync a folder; the rename itself is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Replaces `path` with `data` atomically: temporary file in the same folder, fsync, rename.
 * Follows a symbolic link to its target and keeps the replaced file's permissions.
 */
export function writeFileAtomic(path: string, data: string | Buffer, doing = `writing ${path}`): void {
  let target = resolve(path);
  let mode: number | undefined;
  try {
    if (lstatSync(target).isSymbolicLink()) target = realpathSync(target);
    const st = statSync(target);
    if (st.isDirectory()) throw new StorageError(`${doing}: ${target} is a folder`, 'EISDIR');
    mode = st.mode & 0o7777;
  } catch (err) {
    if (err instanceof StorageError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw storageError(err, doing);
  }
  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', mode ?? 0o666);
    writeAll(fd, bytes);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw storageError(err, doing);
  }
  fsyncDir(dir);
}

/**
 * Creates `path` and its missing parents one level at a time. Node's recursive mkdir loops forever
 * where mkdir keeps answering ENOENT for an existing parent (inside /proc, for one).
 */
export function makeDirs(path: string, what = 'folder'): void {
  const target = resolve(path);
  const missing: string[] = [];
  let current = target;
  for (;;) {
    let st;
    try {
      st = statSync(current);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw storageError(err, `cannot use ${current} as a ${what}`);
      const parent = dirname(current);
      if (parent === current) throw new StorageError(`cannot create ${target}: its root does not exist`, 'ENOENT');
      missing.push(current);
      current = parent;
      continue;
    }
    if (!st.isDirectory()) throw new StorageError(`cannot use ${target} as a ${what}: ${current} is not a folder`, 'ENOTDIR');
    break;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir).isDirectory()) continue;
      throw storageError(err, `cannot create the ${what} ${target}`);
    }
  }
}
