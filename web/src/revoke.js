import { ElMessageBox } from 'element-plus'

// 撤销证书 asks for its reason first; the list row and the record's dialog both offer it (when the server's
// row actions include 'revoke'). The reason, or null when cancelled.
export function askRevokeReason() {
  return ElMessageBox.prompt('撤销后，查验该证书将显示「已撤销」及原因，且不能重新发放。请填写撤销原因：', '撤销证书', {
    confirmButtonText: '确认撤销', cancelButtonText: '取消', inputType: 'textarea',
    inputValidator: (v) => (v && v.trim() ? true : '请填写撤销原因'),
  }).then((answer) => answer.value.trim(), () => null)
}
