// The certificate-issuance screen's vocabulary (operation manual 3.1–3.7): tabs, buttons per tab and side.
// Statuses, row buttons and methods with their labels are the domain's (generated: scripts/lifecycle_json.py).
import lifecycle from './lifecycle.json'

export const STATUSES = lifecycle.statuses
export const TABS = [['ALL', '全部'], ...STATUSES]
export const STATUS_LABEL = Object.fromEntries(STATUSES)
export const STATUS_TAG = {
  TEO_PENDING: 'warning', SITE_PENDING: 'warning', TEO_REJECTED: 'danger', SITE_REJECTED: 'danger',
  READY: 'primary', GENERATING: 'info', STAMP_FAILED: 'danger', ISSUED: 'success',
}
export const METHODS = lifecycle.methods
export const LEVELS = ['初级', '中级', '高级']

export const ROW_ACTION_LABELS = lifecycle.actions
export const EVENT_LABELS = lifecycle.events

// Batch buttons in the order the manual shows them, right-aligned above the table.
const EXPORT = 'export'
const TOOLBARS = {
  teo: {
    ALL: [EXPORT, 'generate'],
    TEO_PENDING: [EXPORT, 'batch_sign', 'generate'],
    TEO_REJECTED: [EXPORT, 'batch_resign'],
    READY: [EXPORT, 'batch_issue_paper', 'batch_issue_electronic'],
    STAMP_FAILED: [EXPORT, 'batch_reissue'],
    ISSUED: [EXPORT, 'batch_download', 'batch_reissue'],
  },
  site: {
    SITE_PENDING: [EXPORT, 'batch_sign'],
    SITE_REJECTED: [EXPORT, 'batch_resign'],
    ISSUED: [EXPORT, 'batch_download'],
  },
  signer: { ISSUED: [EXPORT, 'batch_download'] },
}

export const TOOLBAR_LABELS = {
  export: '批量导出发证记录', generate: '获取待发证记录', batch_sign: '批量确认签发', batch_resign: '批量重新签发',
  batch_issue_paper: '批量发放纸质证书', batch_issue_electronic: '批量发放电子证书', batch_reissue: '批量重新发放',
  batch_download: '批量下载电子证书',
}

export function sideOf(role) {
  if (role === 'teo' || role === 'teo_signer') return 'teo'
  if (role === 'college' || role === 'college_signer') return 'site'
  return null
}

export function toolbar(role, tab) {
  const key = role === 'teo' ? 'teo' : role === 'college' ? 'site' : 'signer'
  return TOOLBARS[key][tab] || [EXPORT]
}
