#!/usr/bin/env node
import { formatContractTable } from './table.js'

process.stdout.write(`${formatContractTable()}\n`)
