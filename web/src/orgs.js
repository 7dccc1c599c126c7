// What the organisation screens say, per kind (orgs: 培训评价组织, colleges: 试点院校), and the e-seal states.
export const TEXT = {
  orgs: {
    nameLabel: '机构名称', codeLabel: '机构代码', exportLabel: '导出机构信息', viewTitle: '查看培训评价组织信息', editTitle: '编辑培训评价组织信息',
    stampLabel: '发证机构负责人（电子签章）', person: '发证机构负责人',
    rules: [
      '电子签章上传规则：请参照右侧示例，请上传PNG格式的无底色（透明背景）长方形签字章图片，尺寸建议：140*50像素，大小不超过1M。',
      '上传后请通过“预览效果”查看签名章和公章实际加盖在证书上的效果，若效果不好，请重新调整上传。',
      '电子签章仅用于本平台证书签发时使用，请确保由发证机构负责人本人签署或授权上传，不得上传他人签章。',
      '一个培训评价组织只允许有一个发证机构负责人，要求公司总经理或法人承担；同时公章只允许使用机构公章。',
    ],
  },
  colleges: {
    nameLabel: '院校名称', codeLabel: '院校代码', exportLabel: '批量导出院校信息', viewTitle: '查看院校信息', editTitle: '编辑院校信息',
    stampLabel: '考核站点负责人（电子签章）', person: '考核站点负责人',
    rules: [
      '电子签章上传规则：请参照右侧示例，请上传PNG格式的无底色（透明背景）正方形签字章图片，尺寸建议：95*95像素，大小不超过1M。',
      '上传后请通过“预览效果”查看签名章实际加盖在证书上的效果，若效果不好，请重新调整上传。',
      '电子签章仅用于本平台证书签发时使用，请确保由考核站点负责人本人签署或授权上传，不得上传他人签章。',
      '一个试点院校只允许有一个考核站点负责人，要求副校长及以上职位承担。',
    ],
  },
}
export const SEAL_STATUS = {
  active: { label: '已生效', type: 'success' }, revoked: { label: '已撤销', type: 'danger' },
  pending: { label: '申请受理中', type: 'warning' }, rejected: { label: '申请已驳回', type: 'danger' },
  none: { label: '未申请', type: 'info' },
}
export const APP_STATUS = {
  submitted: { label: '受理中', type: 'warning' }, deciding: { label: '审核中', type: 'warning' },
  approved: { label: '已通过', type: 'success' }, rejected: { label: '已驳回', type: 'danger' },
}
