import * as echarts from 'echarts/core';
import { BarChart, BoxplotChart, LineChart, PieChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

/** Only the ECharts parts the chart panels use (tree-shaken into the lazy chart chunk). */
echarts.use([LineChart, BarChart, ScatterChart, PieChart, BoxplotChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, CanvasRenderer]);

export const init = echarts.init;
