/**
 * Layer and archive tars written by GNU tar with every run-dependent field pinned: names sorted, one mtime
 * (the commit time), numeric root owners, no atime/ctime or PID-derived names in PAX headers, hard links
 * stored as files. Same tree in → same bytes out, wherever the checkout is.
 */
import { readdirSync } from 'node:fs'
import { exec } from './exec.js'

export interface TarOptions {
  /** Seconds since the epoch written as every entry's mtime. */
  readonly mtime: number
  /** A GNU tar --mode expression applied to every entry (e.g. normalise app files the umask touched). */
  readonly mode?: string
}

/** Writes the tree under root (its entries, not root itself) to an uncompressed tar at out. */
export function writeTar(root: string, out: string, options: TarOptions): void {
  const entries = readdirSync(root).sort()
  exec('tar', [
    '--create',
    `--file=${out}`,
    `--directory=${root}`,
    '--sort=name',
    '--format=posix',
    '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
    `--mtime=@${options.mtime}`,
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--hard-dereference',
    '--no-acls',
    '--no-xattrs',
    '--no-selinux',
    ...(options.mode === undefined ? [] : [`--mode=${options.mode}`]),
    '--',
    ...entries,
  ])
}
