// A refusal the server pins on one field (error.details.field) is shown under that field of the form, as
// well as in the usual message: bind each el-form-item's `:error` to `fieldErrors[prop]`, and send the form
// through `guard` (which clears the previous refusal first and rethrows, so useAction still reports it).
import { reactive } from 'vue'

export function useFieldErrors() {
  const fieldErrors = reactive({})
  function clearFieldErrors() {
    for (const key of Object.keys(fieldErrors)) delete fieldErrors[key]
  }
  async function guard(fn) {
    clearFieldErrors()
    try {
      return await fn()
    } catch (err) {
      const field = err?.details?.field
      if (field) {
        const message = String(err.message || '')
        fieldErrors[field] = message.startsWith(field + '：') ? message.slice(field.length + 1) : message
      }
      throw err
    }
  }
  return { fieldErrors, guard, clearFieldErrors }
}
