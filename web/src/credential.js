// Verifiable credentials (vc+jwt): saving one as a file, and how a verdict reads.
import { api } from './api'

// Fetch the credential at `path` (signed in, or public by the QR code's link) and save it as a .jwt file.
export async function saveCredential(path, { isPublic = false } = {}) {
  const c = isPublic ? await api.public('GET', path) : await api.get(path)
  const url = URL.createObjectURL(new Blob([c.credential], { type: c.media_type }))
  const a = document.createElement('a')
  a.href = url
  a.download = c.filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
  return c
}

export const CREDENTIAL_BANNER = {
  genuine: { icon: 'success', title: '凭证有效' },
  superseded: { icon: 'warning', title: '凭证已作废' },
  revoked: { icon: 'error', title: '证书已撤销' },
  altered: { icon: 'error', title: '凭证已被改动' },
  unknown: { icon: 'info', title: '未找到对应证书' },
}
