// Package echarts embeds Apache ECharts 5.6.0 (Apache-2.0, see LICENSE and NOTICE)
// so that agora's dashboards draw their charts offline.
package echarts

import _ "embed"

// Version is the vendored ECharts version.
const Version = "5.6.0"

// MinJS is dist/echarts.min.js of the npm package echarts@5.6.0.
//
//go:embed echarts.min.js
var MinJS []byte

// License is the ECharts licence text, shipped beside the script.
//
//go:embed LICENSE
var License []byte
