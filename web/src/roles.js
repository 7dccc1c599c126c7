// What each role sees: the business system named in the header and the menu (operation manual).
export const SYSTEMS = {
  teo: '培训评价组织业务系统',
  teo_signer: '培训评价组织业务系统',
  college: '试点院校业务系统',
  college_signer: '试点院校业务系统',
  admin: '管理端',
  candidate: '学生个人空间',
}

export const ROLE_LABELS = {
  teo: '业务员', teo_signer: '发证机构负责人', college: '业务员', college_signer: '考核站点负责人',
  admin: '平台管理员', candidate: '考生',
}

const ORG = { title: '机构管理', icon: 'OfficeBuilding' }
const CERT = { title: '证书管理', icon: 'Tickets' }
const SYS = { title: '系统管理', icon: 'Setting' }

export const MENUS = {
  teo: [
    { ...ORG, items: [{ path: '/org/teo', title: '培训评价组织管理' }] },
    { ...CERT, items: [{ path: '/certificates', title: '证书发放管理' }] },
  ],
  college: [
    { ...ORG, items: [{ path: '/org/college', title: '试点院校管理' }, { path: '/candidates', title: '考生信息管理' }] },
    { ...CERT, items: [{ path: '/certificates', title: '证书发放管理' }] },
  ],
  admin: [
    { ...ORG, items: [{ path: '/org/teo', title: '培训评价组织管理' }, { path: '/org/college', title: '试点院校管理' },
      { path: '/candidates', title: '考生信息管理' }] },
    { ...SYS, items: [{ path: '/admin/import', title: '基础数据导入' }, { path: '/admin/seals', title: '电子公章审批' },
      { path: '/admin/users', title: '账号管理' }] },
  ],
  candidate: [{ title: '我的证书', icon: 'Medal', items: [{ path: '/my', title: '我的证书' }] }],
}
MENUS.teo_signer = MENUS.teo
MENUS.college_signer = MENUS.college

export function homeOf(role) {
  return MENUS[role]?.flatMap((g) => g.items).find((i) => i.path === '/certificates')?.path
    || MENUS[role]?.[0]?.items[0]?.path || '/login'
}

export function allowed(role, path) {
  return (MENUS[role] || []).some((g) => g.items.some((i) => path.startsWith(i.path)))
}
