// Getting a certificate's file to staff: named by what it is, and a revoked one says so before it is given.
import { ElMessageBox } from 'element-plus'
import { api, openLink } from './api'

export const downloadLabel = (method) => (method === 'paper' ? '下载打印文件' : '下载电子证书')

export async function downloadCertificate(recordId) {
  const link = await api.get(`/records/${recordId}/certificate`)
  if (link.revoked) {
    const ok = await ElMessageBox.confirm(
      `该证书已撤销（撤销原因：${link.revoked_reason || '未说明'}），文件已失效，仅供存档查阅。是否继续下载？`, '证书已撤销',
      { type: 'warning', confirmButtonText: '继续下载', cancelButtonText: '取消' }).then(() => true, () => false)
    if (!ok) return
  }
  openLink(link.url)
}
