import { createApp } from 'vue'
import * as Icons from '@element-plus/icons-vue'
// Called from scripts rather than templates, so the component resolver does not see these two.
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import './style.css'
import App from './App.vue'
import router from './router'

const app = createApp(App)
for (const [name, component] of Object.entries(Icons)) app.component(name, component)
// Element Plus renders the pager's page-size select without a label: v-pager-label names it.
const namePageSize = (el) => el.querySelector('.el-pagination__sizes input')?.setAttribute('aria-label', '每页显示条数')
app.directive('pager-label', { mounted: namePageSize, updated: namePageSize })
app.use(router).mount('#app')
