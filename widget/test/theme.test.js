import { test } from 'node:test'
import assert from 'node:assert/strict'
import { onColor } from '../src/ui/dom.js'

test('button text is white on dark colours and black on light ones', () => {
  assert.equal(onColor('#1f4fd1'), '#fff')
  assert.equal(onColor('#000'), '#fff')
  assert.equal(onColor('#ffffff'), '#000')
  assert.equal(onColor('#ffd700'), '#000')
  assert.equal(onColor('#808080'), '#000', 'mid grey: black reads better (5.3:1 vs 3.9:1)')
})
