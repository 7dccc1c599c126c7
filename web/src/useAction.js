// Every button that calls the API: a loading state, no double submission, the API's message in words.
import { ref } from 'vue'
import { ElMessage } from 'element-plus'

// `pending` names the action running (run's second argument), so only its own button shows the spinner.
export function useAction() {
  const busy = ref(false)
  const pending = ref('')
  async function run(fn, name = '') {
    if (busy.value) return undefined
    busy.value = true
    pending.value = name
    try {
      return await fn()
    } catch (err) {
      showError(err)
      return undefined
    } finally {
      busy.value = false
      pending.value = ''
    }
  }
  return { busy, pending, run }
}

export function showError(err) {
  ElMessage({ type: 'error', message: err?.message || '操作失败，请稍后重试', duration: 5000, showClose: true })
}

// What a batch did: how many moved, and for the rest, why not (the API names a reason per record).
export function reportBatch(done, skipped, verb, tail = '') {
  if (!skipped?.length) {
    ElMessage.success(`已${verb} ${done} 条${tail ? '，' + tail : ''}`)
    return
  }
  const reasons = [...new Set(skipped.map((s) => s.reason))].join('；')
  ElMessage({
    type: done ? 'warning' : 'error', duration: 8000, showClose: true,
    message: `已${verb} ${done} 条，${skipped.length} 条未处理：${reasons}`,
  })
}
