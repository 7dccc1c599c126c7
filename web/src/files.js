// The checks a chosen file passes before any upload: its type (extension, or MIME type where given) and size.
import { ref } from 'vue'
import { ElMessage } from 'element-plus'

export function acceptFile(raw, { ext, mime, maxBytes, typeMessage, sizeMessage }) {
  const typeOk = ext.test(raw.name) || (!!mime && raw.type === mime)
  const tooBig = raw.size > maxBytes
  const message = !typeOk ? typeMessage : tooBig ? (typeof sizeMessage === 'function' ? sizeMessage(raw.size) : sizeMessage) : ''
  if (message) ElMessage.error(message)
  return !message
}

// The one file an <el-upload :limit="1"> holds: checked when chosen (``rules`` as acceptFile takes them),
// dropped when refused, replaced when another is chosen. Bind ref="uploadRef", :on-change="onFile",
// :on-exceed="onExceed".
export function useSingleFile(rules) {
  const file = ref(null)
  const uploadRef = ref()
  function onFile(f) {
    if (!acceptFile(f.raw, rules)) {
      uploadRef.value.clearFiles()
      file.value = null
      return
    }
    file.value = f.raw
  }
  function onExceed(files) {
    uploadRef.value.clearFiles()
    uploadRef.value.handleStart(files[0])
  }
  return { file, uploadRef, onFile, onExceed }
}
