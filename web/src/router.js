import { createRouter, createWebHistory } from 'vue-router'
import { session, setUnauthenticatedHandler } from './api'
import { allowed, homeOf } from './roles'

const routes = [
  { path: '/login', component: () => import('./views/LoginView.vue'), meta: { public: true, title: '登录' } },
  { path: '/verify/:certNo?', component: () => import('./views/VerifyView.vue'), meta: { public: true, title: '证书查验' } },
  { path: '/sign/:sessionId', component: () => import('./views/SignView.vue'), meta: { public: true, title: '在线签字' } },
  {
    path: '/',
    component: () => import('./views/LayoutView.vue'),
    children: [
      { path: '', redirect: () => homeOf(session.user?.role) },
      { path: 'certificates', component: () => import('./views/CertificatesView.vue'), meta: { title: '证书发放管理' } },
      { path: 'org/teo', component: () => import('./views/OrgView.vue'), props: { kind: 'orgs' }, meta: { title: '培训评价组织管理' } },
      { path: 'org/college', component: () => import('./views/OrgView.vue'), props: { kind: 'colleges' }, meta: { title: '试点院校管理' } },
      { path: 'candidates', component: () => import('./views/CandidatesView.vue'), meta: { title: '考生信息管理' } },
      { path: 'admin/import', component: () => import('./views/ImportView.vue'), meta: { title: '基础数据导入' } },
      { path: 'admin/seals', component: () => import('./views/SealApprovalsView.vue'), meta: { title: '电子公章审批' } },
      { path: 'admin/users', component: () => import('./views/UsersView.vue'), meta: { title: '账号管理' } },
      { path: 'my', component: () => import('./views/MyCertificatesView.vue'), meta: { title: '我的证书' } },
    ],
  },
  { path: '/:rest(.*)*', redirect: '/' },
]

const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach((to) => {
  if (to.meta.public) return true
  if (!session.token || !session.user) return { path: '/login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  if (to.path !== '/' && !allowed(session.user.role, to.path)) return homeOf(session.user.role)
  return true
})

router.afterEach((to) => {
  document.title = (to.meta.title ? to.meta.title + ' - ' : '') + '职业技能等级证书信息管理服务平台'
})

setUnauthenticatedHandler(() => {
  const here = router.currentRoute.value
  if (!here.meta.public) router.replace({ path: '/login', query: { redirect: here.fullPath } })
})

export default router
