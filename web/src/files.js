// The checks a chosen file passes before any upload: its type (extension, or MIME type where given) and size.
import { ElMessage } from 'element-plus'

export function acceptFile(raw, { ext, mime, maxBytes, typeMessage, sizeMessage }) {
  const typeOk = ext.test(raw.name) || (!!mime && raw.type === mime)
  const tooBig = raw.size > maxBytes
  const message = !typeOk ? typeMessage : tooBig ? (typeof sizeMessage === 'function' ? sizeMessage(raw.size) : sizeMessage) : ''
  if (message) ElMessage.error(message)
  return !message
}
