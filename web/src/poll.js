// One poller for the screens that follow work done on the server: `fn` runs every `interval` ms while it
// does not answer false; after a failure the wait doubles up to `maxInterval` (the first failure of a run
// is shown once); a refusal that will not change (4xx other than 408/429) is shown and stops the polling;
// the component's unmount stops it too.
import { getCurrentInstance, onBeforeUnmount } from 'vue'
import { showError } from './useAction'

const RETRYABLE = new Set([0, 408, 429])

export function usePoll(fn, { interval = 1500, maxInterval = 30000 } = {}) {
  let timer = null
  let delay = interval
  let active = false
  let failing = false

  function stop() {
    active = false
    clearTimeout(timer)
    timer = null
  }
  function start({ now = false } = {}) {
    stop()
    active = true
    delay = interval
    failing = false
    timer = setTimeout(tick, now ? 0 : delay)
  }
  async function tick() {
    if (!active) return
    try {
      const more = await fn()
      delay = interval
      failing = false
      if (more === false) return stop()
    } catch (err) {
      if (!active) return
      if (err?.status >= 400 && err.status < 500 && !RETRYABLE.has(err.status)) {
        stop()
        return showError(err)
      }
      if (!failing) showError(err)
      failing = true
      delay = Math.min(delay * 2, maxInterval)
    }
    if (active) timer = setTimeout(tick, delay)
  }

  if (getCurrentInstance()) onBeforeUnmount(stop)
  return { start, stop }
}
