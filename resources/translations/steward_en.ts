<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en">
  <context>
    <name>AboutDialog</name>
    <message>
      <location filename="../../steward/ui/widgets/about_dialog.py" line="64" />
      <source>关于 环保管家 Steward</source>
      <translation>About Steward</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/about_dialog.py" line="66" />
      <source>&lt;h2&gt;环保管家 Steward&lt;/h2&gt;</source>
      <translation>&lt;h2&gt;Steward&lt;/h2&gt;</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/about_dialog.py" line="67" />
      <source>版本 {version}</source>
      <translation>Version {version}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/about_dialog.py" line="69" />
      <source>数据文件夹</source>
      <translation>Data folder</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/about_dialog.py" line="69" />
      <source>日志文件夹</source>
      <translation>Log folder</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/about_dialog.py" line="72" />
      <source>打开</source>
      <translation>Open</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/about_dialog.py" line="86" />
      <source>随软件附带的组件及其许可证:</source>
      <translation>Components shipped with Steward and their licences:</translation>
    </message>
  </context>
  <context>
    <name>DeleteEventDialog</name>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="132" />
      <source>删除记录</source>
      <translation>Delete record</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="134" />
      <source>删除这条记录?它将不再计入三色码评级;审计记录保留其内容。
{record}</source>
      <translation>Delete this record? It will no longer count in the colour rating; the audit log keeps what it said.
{record}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="140" />
      <source>为何删除,如 重复录入、录错企业</source>
      <translation>Why delete it, e.g. entered twice, wrong enterprise</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="144" />
      <source>删除</source>
      <translation>Delete</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="150" />
      <source>删除理由</source>
      <translation>Reason for deleting</translation>
    </message>
  </context>
  <context>
    <name>DocumentController</name>
    <message>
      <location filename="../../steward/ui/document_controller.py" line="45" />
      <source>问题台账</source>
      <translation>Findings</translation>
    </message>
    <message>
      <location filename="../../steward/ui/document_controller.py" line="55" />
      <source>整改通知书</source>
      <translation>Rectification notice</translation>
    </message>
    <message>
      <location filename="../../steward/ui/document_controller.py" line="60" />
      <source>巡查报告</source>
      <translation>Visit report</translation>
    </message>
    <message>
      <location filename="../../steward/ui/document_controller.py" line="73" />
      <source>正在生成 {title}…</source>
      <translation>Making {title}…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/document_controller.py" line="95" />
      <source>英文版 English</source>
      <translation>English version</translation>
    </message>
    <message>
      <location filename="../../steward/ui/document_controller.py" line="95" />
      <source>巡查报告(英文)</source>
      <translation>Visit report (English)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/document_controller.py" line="113" />
      <source>期间汇总</source>
      <translation>Period summary</translation>
    </message>
    <message>
      <location filename="../../steward/ui/document_controller.py" line="124" />
      <source>导出哪段时间的巡查</source>
      <translation>Export the visits of which period</translation>
    </message>
    <message>
      <location filename="../../steward/ui/document_controller.py" line="130" />
      <source>导出到文件夹</source>
      <translation>Export to folder</translation>
    </message>
    <message>
      <location filename="../../steward/ui/document_controller.py" line="139" />
      <source>正在导出…</source>
      <translation>Exporting…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/document_controller.py" line="139" />
      <source>取消</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../../steward/ui/document_controller.py" line="140" />
      <source>批量导出</source>
      <translation>Export</translation>
    </message>
    <message>
      <location filename="../../steward/ui/document_controller.py" line="159" />
      <source>已导出 {n} 个文件到 {folder}</source>
      <translation>Exported {n} files to {folder}</translation>
    </message>
  </context>
  <context>
    <name>DocumentPreview</name>
    <message>
      <location filename="../../steward/ui/widgets/document_preview.py" line="47" />
      <source>共 {n} 页</source>
      <translation>{n} pages</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/document_preview.py" line="48" />
      <source>打印…</source>
      <translation>Print…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/document_preview.py" line="50" />
      <source>另存为PDF…</source>
      <translation>Save as PDF…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/document_preview.py" line="52" />
      <source>关闭</source>
      <translation>Close</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/document_preview.py" line="66" />
      <source>另存为PDF</source>
      <translation>Save as PDF</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/document_preview.py" line="79" />
      <source>已保存:{path}</source>
      <translation>Saved: {path}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/document_preview.py" line="86" />
      <source>文件正被其他程序打开</source>
      <translation>File is open in another program</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/document_preview.py" line="87" />
      <source>文件正被其他程序打开(例如 PDF 阅读器),无法覆盖:
{path}

另存为“{other}”吗?</source>
      <translation>The file is open in another program (a PDF viewer, say) and cannot be replaced:
{path}

Save as “{other}” instead?</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/document_preview.py" line="105" />
      <source>无法开始打印,请检查打印机。</source>
      <translation>Cannot start printing; please check the printer.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/document_preview.py" line="119" />
      <source>已发送 {n} 页到打印机。</source>
      <translation>Sent {n} pages to the printer.</translation>
    </message>
  </context>
  <context>
    <name>EnterpriseDetail</name>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="49" />
      <source>◀ 企业列表</source>
      <translation>◀ Enterprises</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="51" />
      <source>开始巡查</source>
      <translation>Start visit</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="54" />
      <source>问题台账</source>
      <translation>Findings</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="56" />
      <source>继续未完成的巡查</source>
      <translation>Resume unfinished visit</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="72" />
      <source>开始时间</source>
      <translation>Started</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="75" />
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="104" />
      <source>类型</source>
      <translation>Type</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="76" />
      <source>检查人员</source>
      <translation>Steward</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="78" />
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="89" />
      <source>状态</source>
      <translation>Status</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="82" />
      <source>已检查</source>
      <translation>Checked</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="83" />
      <source>新问题</source>
      <translation>New findings</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="88" />
      <source>整改期限</source>
      <translation>Deadline</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="90" />
      <source>等级</source>
      <translation>Severity</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="91" />
      <source>逾期天数</source>
      <translation>Days overdue</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="92" />
      <source>位置</source>
      <translation>Location</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="93" />
      <source>问题描述</source>
      <translation>Finding</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="103" />
      <source>日期</source>
      <translation>Date</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="105" />
      <source>查实</source>
      <translation>Substantiated</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="107" />
      <source>来源 / 机关 / 文号</source>
      <translation>Source / authority / document no.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="110" />
      <source>说明</source>
      <translation>Note</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="111" />
      <source>录入</source>
      <translation>Entered by</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="119" />
      <source>新增信访投诉</source>
      <translation>Add complaint</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="120" />
      <source>新增行政处罚/立案</source>
      <translation>Add penalty/case</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="121" />
      <source>新增危废违法</source>
      <translation>Add hazardous-waste violation</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="128" />
      <source>修改</source>
      <translation>Change</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="130" />
      <source>删除</source>
      <translation>Delete</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="141" />
      <source>问题</source>
      <translation>Findings</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="142" />
      <source>巡查记录</source>
      <translation>Visits</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="143" />
      <source>三色码</source>
      <translation>Colour</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="144" />
      <source>投诉·处罚·危废</source>
      <translation>Complaints · penalties · hazardous waste</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="165" />
      <source>统一社会信用代码</source>
      <translation>Credit code</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="166" />
      <source>法定代表人/负责人</source>
      <translation>Legal representative</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="167" />
      <source>地址</source>
      <translation>Address</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="168" />
      <source>联系人</source>
      <translation>Contact</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="169" />
      <source>保单号 · 保险公司</source>
      <translation>Policy · Insurer</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="175" />
      <source>发现问题 {found} 个 · 已整改 {rect} 个 · 整改率 {rate} · 待整改 {open} 个 · 逾期 {over} 个</source>
      <translation>Findings {found} · Rectified {rect} · Rate {rate} · Open {open} · Overdue {over}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="176" />
      <source>已合并</source>
      <translation>Merged</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="199" />
      <source>(原名“{name}”)</source>
      <translation> (named “{name}” here)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="201" />
      <source>本机原编号 {id}{name} 于 {day} 并入服务器上的同一企业</source>
      <translation>This laptop's id {id}{name} merged into the hub's same enterprise on {day}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="212" />
      <source>属实</source>
      <translation>Yes</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprise_detail.py" line="212" />
      <source>不属实</source>
      <translation>No</translation>
    </message>
  </context>
  <context>
    <name>EnterpriseTableModel</name>
    <message>
      <location filename="../../steward/ui/widgets/enterprise_table.py" line="71" />
      <source>企业名称</source>
      <translation>Enterprise</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/enterprise_table.py" line="72" />
      <source>三色码</source>
      <translation>Colour</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/enterprise_table.py" line="73" />
      <source>行业</source>
      <translation>Industry</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/enterprise_table.py" line="74" />
      <source>待整改</source>
      <translation>Open</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/enterprise_table.py" line="75" />
      <source>逾期</source>
      <translation>Overdue</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/enterprise_table.py" line="76" />
      <source>最近巡查</source>
      <translation>Last visit</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/enterprise_table.py" line="77" />
      <source>下次巡查</source>
      <translation>Next visit</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/enterprise_table.py" line="85" />
      <source>从未</source>
      <translation>never</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/enterprise_table.py" line="86" />
      <source>尽快</source>
      <translation>soon</translation>
    </message>
  </context>
  <context>
    <name>EnterprisesScreen</name>
    <message>
      <location filename="../../steward/ui/screens/enterprises.py" line="35" />
      <source>搜索企业:名称、拼音首字母(如 xjyq)、统一社会信用代码或地址</source>
      <translation>Search enterprises: name, pinyin initials (e.g. xjyq), credit code or address</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprises.py" line="37" />
      <source>按三色码筛选(截至今天)</source>
      <translation>Filter by colour rating (as of today)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprises.py" line="38" />
      <source>全部三色码</source>
      <translation>All colours</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/enterprises.py" line="96" />
      <source>三色码无法计算:{reason}</source>
      <translation>The colour rating cannot be worked out: {reason}</translation>
    </message>
  </context>
  <context>
    <name>EventDialog</name>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="57" />
      <source>修改:{kind}</source>
      <translation>Change: {kind}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="57" />
      <source>新增:{kind}</source>
      <translation>New: {kind}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="63" />
      <source>如 12345 热线、信访局、群众来电</source>
      <translation>e.g. 12345 hotline, petitions bureau, a resident's call</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="64" />
      <source>经核查属实</source>
      <translation>Substantiated on checking</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="67" />
      <source>如 台州市生态环境局仙居分局</source>
      <translation>e.g. the county branch of the ecology and environment bureau</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="69" />
      <source>如 台环仙罚〔2026〕12号</source>
      <translation>e.g. the penalty decision's number</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="72" />
      <source>发现的情况,如 废漆渣露天堆放、转移未执行联单</source>
      <translation>What was found, e.g. paint sludge stored in the open, transfer without a manifest</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="74" />
      <source>补充说明(可不填)</source>
      <translation>Further notes (optional)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="78" />
      <source>为何修改,如 复核结果、录入有误</source>
      <translation>Why change it, e.g. result of a re-check, typing mistake</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="83" />
      <source>日期</source>
      <translation>Date</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="85" />
      <source>投诉来源</source>
      <translation>Complaint source</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="88" />
      <source>处罚或立案机关</source>
      <translation>Authority</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="89" />
      <source>文书编号</source>
      <translation>Document number</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="90" />
      <source>情况说明</source>
      <translation>What was found</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="90" />
      <source>备注</source>
      <translation>Note</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="92" />
      <source>修改理由</source>
      <translation>Reason for the change</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/event_dialog.py" line="94" />
      <source>保存</source>
      <translation>Save</translation>
    </message>
  </context>
  <context>
    <name>ExportDialog</name>
    <message>
      <source>导出 Excel/CSV</source>
      <translation>Export to Excel/CSV</translation>
    </message>
    <message>
      <source>问题台账(每个问题一行)</source>
      <translation>Findings (one row per finding)</translation>
    </message>
    <message>
      <source>企业名录(含三色码和本期整改情况)</source>
      <translation>Enterprises (with colour and the period's rectification)</translation>
    </message>
    <message>
      <source>巡查记录(每次巡查一行)</source>
      <translation>Visits (one row per visit)</translation>
    </message>
    <message>
      <source>三色码评级(含原因和月末分布)</source>
      <translation>Ratings (with reasons and month-end counts)</translation>
    </message>
    <message>
      <source>Excel 工作簿 (.xlsx)</source>
      <translation>Excel workbook (.xlsx)</translation>
    </message>
    <message>
      <source>CSV 文本 (.csv,仅第一张表)</source>
      <translation>CSV text (.csv, first table only)</translation>
    </message>
    <message>
      <source>从最早记录起</source>
      <translation>From the first record</translation>
    </message>
    <message>
      <source>选择…</source>
      <translation>Choose…</translation>
    </message>
    <message>
      <source>导出</source>
      <translation>Export</translation>
    </message>
    <message>
      <source>导出内容</source>
      <translation>Export</translation>
    </message>
    <message>
      <source>格式</source>
      <translation>Format</translation>
    </message>
    <message>
      <source>开始日期</source>
      <translation>From</translation>
    </message>
    <message>
      <source>结束日期(截至)</source>
      <translation>To (as of)</translation>
    </message>
    <message>
      <source>保存为</source>
      <translation>Save as</translation>
    </message>
    <message>
      <source>各项状态、逾期天数和三色码均截至结束日期当天结束时;只统计已完成的巡查。</source>
      <translation>Statuses, days overdue and colours are as of the end of the last day; only finished visits count.</translation>
    </message>
    <message>
      <source>问题台账</source>
      <translation>Findings</translation>
    </message>
    <message>
      <source>企业名录</source>
      <translation>Enterprises</translation>
    </message>
    <message>
      <source>巡查记录</source>
      <translation>Visits</translation>
    </message>
    <message>
      <source>三色码评级</source>
      <translation>Ratings</translation>
    </message>
    <message>
      <source>{what}_截至{end}</source>
      <translation>{what}_as-of-{end}</translation>
    </message>
    <message>
      <source>请选择保存的文件。</source>
      <translation>Choose the file to save.</translation>
    </message>
    <message>
      <source>正在导出…</source>
      <translation>Exporting…</translation>
    </message>
    <message>
      <source>已导出 {rows} 行到 {path}</source>
      <translation>Exported {rows} rows to {path}</translation>
    </message>
    <message>
      <source>关闭</source>
      <translation>Close</translation>
    </message>
  </context>
  <context>
    <name>FindingEditor</name>
    <message>
      <location filename="../../steward/ui/widgets/finding_editor.py" line="47" />
      <source>如:喷漆车间东侧</source>
      <translation>e.g. east side of the paint shop</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_editor.py" line="63" />
      <source>请核对问题描述:属实请确认,否则直接修改。</source>
      <translation>Check the wording: confirm if true, otherwise edit it.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_editor.py" line="65" />
      <source>描述属实</source>
      <translation>Wording is true</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_editor.py" line="76" />
      <source>位置</source>
      <translation>Location</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_editor.py" line="77" />
      <source>问题描述</source>
      <translation>Finding</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_editor.py" line="79" />
      <source>依据</source>
      <translation>Basis</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_editor.py" line="80" />
      <source>等级</source>
      <translation>Severity</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_editor.py" line="81" />
      <source>整改要求</source>
      <translation>Requirement</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_editor.py" line="82" />
      <source>整改期限</source>
      <translation>Deadline</translation>
    </message>
  </context>
  <context>
    <name>FindingHistoryDialog</name>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="42" />
      <source>问题记录</source>
      <translation>Finding record</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="48" />
      <source>时间</source>
      <translation>Time</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="49" />
      <source>事件</source>
      <translation>Event</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="50" />
      <source>记录人</source>
      <translation>By</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="51" />
      <source>说明</source>
      <translation>Note</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="60" />
      <source>企业报告已整改…</source>
      <translation>Enterprise reports rectified…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="61" />
      <source>免于整改…</source>
      <translation>Waive…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="62" />
      <source>重新打开…</source>
      <translation>Reopen…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="75" />
      <source>照片(含整改后照片)</source>
      <translation>Photos (incl. after rectification)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="88" />
      <source>企业</source>
      <translation>Enterprise</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="89" />
      <source>检查项</source>
      <translation>Item</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="90" />
      <source>位置</source>
      <translation>Location</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="91" />
      <source>问题描述</source>
      <translation>Finding</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="92" />
      <source>依据</source>
      <translation>Basis</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="93" />
      <source>等级</source>
      <translation>Severity</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="94" />
      <source>整改要求</source>
      <translation>Requirement</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="95" />
      <source>整改期限</source>
      <translation>Deadline</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="99" />
      <source>状态:{s}</source>
      <translation>Status: {s}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="101" />
      <source> · 逾期 {n} 天</source>
      <translation> · {n} days overdue</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="103" />
      <source> · 用时 {n} 天闭环</source>
      <translation> · closed in {n} days</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="113" />
      <source>问题尚未闭环,无需重新打开。</source>
      <translation>The finding is still open; no need to reopen it.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="115" />
      <source>问题已闭环;如需继续跟踪,请先重新打开。</source>
      <translation>The finding is closed; reopen it to keep following it.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="124" />
      <source>理由(必填):</source>
      <translation>Reason (required):</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="124" />
      <source>说明:</source>
      <translation>Note:</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="85" />
      <source>新整改期限:{d}</source>
      <translation>New deadline: {d}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finding_history.py" line="91" />
      <source>{now}(部分整改后约定;原期限 {was})</source>
      <translation>{now} (agreed at a partial rectification; first deadline {was})</translation>
    </message>
  </context>
  <context>
    <name>FindingsScreen</name>
    <message>
      <location filename="../../steward/ui/screens/findings.py" line="25" />
      <source>未关闭(待整改/待复查/部分整改)</source>
      <translation>Not closed (open / awaiting re-check / partly rectified)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/findings.py" line="26" />
      <source>全部</source>
      <translation>All</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/findings.py" line="30" />
      <source>全部等级</source>
      <translation>All severities</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/findings.py" line="36" />
      <source>只看逾期</source>
      <translation>Overdue only</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/findings.py" line="38" />
      <source>搜索问题描述、整改要求、位置或复查意见</source>
      <translation>Search findings, requirements, locations or re-check notes</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/findings.py" line="43" />
      <source>整改期限</source>
      <translation>Deadline</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/findings.py" line="44" />
      <source>企业</source>
      <translation>Enterprise</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/findings.py" line="45" />
      <source>检查项</source>
      <translation>Item</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/findings.py" line="47" />
      <source>等级</source>
      <translation>Severity</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/findings.py" line="51" />
      <source>状态</source>
      <translation>Status</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/findings.py" line="52" />
      <source>逾期天数</source>
      <translation>Days overdue</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/findings.py" line="53" />
      <source>问题描述</source>
      <translation>Finding</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/findings.py" line="94" />
      <source>全部企业</source>
      <translation>All enterprises</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/findings.py" line="114" />
      <source>共 {n} 个问题</source>
      <translation>{n} findings</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/findings.py" line="116" />
      <source>(只显示前 {n} 个,请加筛选条件)</source>
      <translation>(showing the first {n}; add a filter)</translation>
    </message>
  </context>
  <context>
    <name>FinishDialog</name>
    <message>
      <location filename="../../steward/ui/widgets/finish_dialog.py" line="65" />
      <source>完成巡查 — {name}</source>
      <translation>Finish visit — {name}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finish_dialog.py" line="68" />
      <source>检查项:已答 {answered}/{total},不合格 {nc} 项
新发现问题 {new} 个;本次复查已整改 {closed} 个;企业仍有待整改问题 {open} 个</source>
      <translation>Items: {answered}/{total} answered, {nc} non-compliant
New findings: {new}; rectified at this re-check: {closed}; still open at the enterprise: {open}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finish_dialog.py" line="83" />
      <source>注意:还有 {n} 项未检查。</source>
      <translation>Note: {n} items not checked yet.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finish_dialog.py" line="86" />
      <source>检查人员签名</source>
      <translation>Steward's signature</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finish_dialog.py" line="87" />
      <source>企业负责人签收</source>
      <translation>Enterprise's signature</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finish_dialog.py" line="90" />
      <source>签字并完成(锁定)</source>
      <translation>Sign and finish (lock)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finish_dialog.py" line="91" />
      <source>返回继续检查</source>
      <translation>Back to checking</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finish_dialog.py" line="113" />
      <source>请检查人员填写姓名并签名。</source>
      <translation>Steward: enter your name and sign.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finish_dialog.py" line="117" />
      <source>企业拒绝签字时,请填写见证人。</source>
      <translation>If the enterprise refuses to sign, enter a witness.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finish_dialog.py" line="119" />
      <source>请企业负责人填写姓名并签名,或勾选“拒绝签字”并填写见证人。</source>
      <translation>Enterprise: enter a name and sign, or tick "Refused to sign" and enter a witness.</translation>
    </message>
  </context>
  <context>
    <name>FirstRunDialog</name>
    <message>
      <location filename="../../steward/ui/widgets/first_run_dialog.py" line="48" />
      <source>基本信息设置</source>
      <translation>Basic set-up</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/first_run_dialog.py" line="51" />
      <source>打印巡查报告和整改通知书之前,请填写检查人员、服务机构和保险公司。同步服务器可以以后再填。也可以先跳过,以后在“视图 → 基本信息设置…”中填写。</source>
      <translation>Before printing visit reports and rectification notices, fill in the inspector, the service firm and the insurer. The hub can be set later. You may also skip this and fill it in later under View → Basic set-up…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/first_run_dialog.py" line="69" />
      <source>选择…</source>
      <translation>Choose…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/first_run_dialog.py" line="76" />
      <source>测试连接</source>
      <translation>Test connection</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/first_run_dialog.py" line="86" />
      <source>以后再说</source>
      <translation>Later</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/first_run_dialog.py" line="88" />
      <source>保存</source>
      <translation>Save</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/first_run_dialog.py" line="104" />
      <source>选择标志图片</source>
      <translation>Choose a logo image</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/first_run_dialog.py" line="104" />
      <source>图片</source>
      <translation>Images</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/first_run_dialog.py" line="117" />
      <source>请先填写同步服务器地址。</source>
      <translation>Enter the hub address first.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/first_run_dialog.py" line="126" />
      <source>正在连接 {url}…</source>
      <translation>Connecting to {url}…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/first_run_dialog.py" line="136" />
      <source>连接成功:同步服务器认出您是“{name}”。</source>
      <translation>Connected: the hub knows you as “{name}”.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/first_run_dialog.py" line="140" />
      <source>连接失败:{reason}</source>
      <translation>Connection failed: {reason}</translation>
    </message>
  </context>
  <context>
    <name>ItemPanel</name>
    <message>
      <location filename="../../steward/ui/widgets/item_panel.py" line="76" />
      <source>备注(现场情况、数据读数等)</source>
      <translation>Notes (on-site conditions, readings…)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/item_panel.py" line="85" />
      <source>问题记录</source>
      <translation>Finding record</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/item_panel.py" line="106" />
      <source>照片</source>
      <translation>Photos</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/item_panel.py" line="134" />
      <source>    上次巡查:{r}</source>
      <translation>    Last visit: {r}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/item_panel.py" line="137" />
      <source>依据:{basis}</source>
      <translation>Basis: {basis}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/item_panel.py" line="139" />
      <source>检查指引:{g}</source>
      <translation>Guidance: {g}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/item_panel.py" line="142" />
      <source>巡查已完成并锁定;如需更正请点“修订…”。</source>
      <translation>The visit is finished and locked; to correct it, click "Amend…".</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/item_panel.py" line="168" />
      <source>已记入原问题(发现于 {found},位置:{loc}):复查结果“未整改”,未新建问题。</source>
      <translation>Recorded on the earlier finding (found {found}, location: {loc}): re-check "Not rectified"; no new finding.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/item_panel.py" line="169" />
      <source>未注明</source>
      <translation>not given</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/item_panel.py" line="193" />
      <source>删除问题记录?</source>
      <translation>Delete the finding?</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/item_panel.py" line="194" />
      <source>此项已记录问题。改为“{r}”将删除该问题记录(照片保留在此项下)。是否继续?</source>
      <translation>This item has a finding. Changing to "{r}" deletes the finding (photos stay with the item). Continue?</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/item_panel.py" line="230" />
      <source>此项已有未整改问题</source>
      <translation>This item has an open finding</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/item_panel.py" line="232" />
      <source>此项在 {found} 已发现问题,至今未整改:
{desc}
位置:{loc}

是同一个问题吗?</source>
      <translation>A finding was recorded on this item on {found} and is not rectified yet:
{desc}
Location: {loc}

Is it the same problem?</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/item_panel.py" line="236" />
      <source>仍未整改(记入原问题)</source>
      <translation>Still not rectified (record on it)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/item_panel.py" line="237" />
      <source>这是新问题</source>
      <translation>It is a new finding</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/item_panel.py" line="238" />
      <source>取消</source>
      <translation>Cancel</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../../steward/ui/main_window.py" line="77" />
      <source>环保管家 Steward — 档案:{name}</source>
      <translation>Steward — profile: {name}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="89" />
      <source>企业</source>
      <translation>Enterprises</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="90" />
      <source>问题清单</source>
      <translation>Findings</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="91" />
      <source>当前巡查</source>
      <translation>Current visit</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="92" />
      <source>同步</source>
      <translation>Sync</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="114" />
      <source>文件</source>
      <translation>File</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="115" />
      <source>备份到…</source>
      <translation>Back up to…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="116" />
      <source>视图</source>
      <translation>View</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="117" />
      <source>高对比度(强光下使用)</source>
      <translation>High contrast (for bright light)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="121" />
      <source>设置…</source>
      <translation>Settings…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="122" />
      <source>基本信息设置(首次使用)…</source>
      <translation>Basic set-up (first use)…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="123" />
      <location filename="../../steward/ui/main_window.py" line="156" />
      <source>语言 Language</source>
      <translation>Language</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="132" />
      <source>巡查</source>
      <translation>Visit</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="133" />
      <source>未完成的巡查…</source>
      <translation>Unfinished visits…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="134" />
      <source>报告</source>
      <translation>Reports</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="135" />
      <source>期间汇总(给保险公司)…</source>
      <translation>Period summary (for the insurer)…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="136" />
      <source>批量导出巡查报告和整改通知书…</source>
      <translation>Export visit reports and rectification notices…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="137" />
      <source>帮助</source>
      <translation>Help</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="138" />
      <source>导出诊断信息…</source>
      <translation>Export diagnostics…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="139" />
      <source>关于</source>
      <translation>About</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="156" />
      <source>同步进行中,完成后再切换语言。</source>
      <translation>A sync is running; switch the language when it is done.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="280" />
      <source>已有未完成的巡查</source>
      <translation>Unfinished visit exists</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="282" />
      <source>{name} 已有一次未完成的巡查({started} 开始,已检查 {n}/{total} 项)。
每家企业同时只能有一次未完成的巡查。继续这次巡查吗?</source>
      <translation>{name} has an unfinished visit (started {started}, {n}/{total} items checked).
An enterprise can have only one unfinished visit at a time. Resume it?</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="295" />
      <source>无法开始巡查</source>
      <translation>Cannot start the visit</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="356" />
      <source>发现问题 {found} · 已整改 {rect} · 整改率 {rate} · 待整改 {open} · 逾期 {over}</source>
      <translation>Findings {found} · Rectified {rect} · Rate {rate} · Open {open} · Overdue {over}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="367" />
      <source>出错了</source>
      <translation>Something went wrong</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="487" />
      <source>{name} 的巡查({started} 开始)尚未完成。是否继续?</source>
      <translation>The visit to {name} (started {started}) is not finished. Resume it?</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="493" />
      <source>继续巡查</source>
      <translation>Resume visit</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="503" />
      <source>{name} · {started} 开始 · 已检查 {n}/{total} 项</source>
      <translation>{name} · started {started} · {n}/{total} items checked</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="513" />
      <location filename="../../steward/ui/main_window.py" line="520" />
      <source>未完成的巡查</source>
      <translation>Unfinished visits</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="513" />
      <source>没有未完成的巡查。</source>
      <translation>No unfinished visits.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="520" />
      <source>以下巡查尚未完成,选择一个继续:</source>
      <translation>These visits are not finished; choose one to resume:</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="597" />
      <source>选择备份位置(例如U盘)</source>
      <translation>Choose where to back up (a USB stick, say)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="602" />
      <source>备份</source>
      <translation>Backup</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="602" />
      <source>正在备份档案“{name}”…</source>
      <translation>Backing up profile “{name}”…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="605" />
      <source>备份失败</source>
      <translation>Backup failed</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="607" />
      <source>已备份到 {path}</source>
      <translation>Backed up to {path}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="610" />
      <source>备份完成</source>
      <translation>Backup done</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="611" />
      <source>档案已备份到:
{path}

照片 {n} 个,共 {mb:.1f} MB。恢复时使用命令 steward restore。</source>
      <translation>The profile was backed up to:
{path}

{n} photo files, {mb:.1f} MB in all. Restore it with the command steward restore.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="626" />
      <source>每日备份</source>
      <translation>Daily backup</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="626" />
      <source>正在进行每日自动备份,请稍候…</source>
      <translation>Making the daily backup, please wait…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="629" />
      <source>每日备份失败</source>
      <translation>Daily backup failed</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="640" />
      <location filename="../../steward/ui/main_window.py" line="649" />
      <location filename="../../steward/ui/main_window.py" line="654" />
      <source>导出诊断信息</source>
      <translation>Export diagnostics</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="640" />
      <source>压缩包</source>
      <translation>Zip archives</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="649" />
      <source>导出失败:{reason}</source>
      <translation>Export failed: {reason}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="651" />
      <source>诊断信息已保存:{path}</source>
      <translation>Diagnostics saved: {path}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="655" />
      <source>诊断信息已保存到:
{path}

其中有日志和检查结果,不含照片、签名和同步令牌。</source>
      <translation>Diagnostics saved to:
{path}

It holds the logs and the check results, no photos, signatures or sync token.</translation>
    </message>
    <message>
      <source>导出 Excel/CSV…</source>
      <translation>Export to Excel/CSV…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="95" />
      <source>看板</source>
      <translation>Dashboard</translation>
    </message>
    <message>
      <location filename="../../steward/ui/main_window.py" line="292" />
      <source>继续这次巡查吗?</source>
      <translation>Continue that visit?</translation>
    </message>
  </context>
  <context>
    <name>MarkupCanvas</name>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="91" />
      <source>文字标注</source>
      <translation>Text label</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="91" />
      <source>标注文字:</source>
      <translation>Label text:</translation>
    </message>
  </context>
  <context>
    <name>PeriodDialog</name>
    <message>
      <location filename="../../steward/ui/widgets/period_dialog.py" line="25" />
      <source>开始日期</source>
      <translation>From</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/period_dialog.py" line="26" />
      <source>结束日期</source>
      <translation>To</translation>
    </message>
  </context>
  <context>
    <name>PhotoMarkupEditor</name>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="187" />
      <source>标注照片(原图不变)</source>
      <translation>Mark up photo (the original stays unchanged)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="198" />
      <source>圈</source>
      <translation>Circle</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="198" />
      <source>拖动画圈,圈出问题所在</source>
      <translation>Drag to circle the problem</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="199" />
      <source>箭头</source>
      <translation>Arrow</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="199" />
      <source>从起点拖到要指的地方</source>
      <translation>Drag from the start to what it points at</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="200" />
      <source>文字</source>
      <translation>Text</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="200" />
      <source>点一下放置文字</source>
      <translation>Tap to place text</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="201" />
      <source>模糊</source>
      <translation>Blur</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="201" />
      <source>框住人脸、车牌等,打印时模糊处理</source>
      <translation>Box faces, number plates and the like: blurred in print</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="215" />
      <source>撤销</source>
      <translation>Undo</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="215" />
      <source>撤销上一个图形</source>
      <translation>Undo the last shape</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="221" />
      <source>修订理由(巡查已完成,必须填写)</source>
      <translation>Reason for the amendment (required: the visit is finished)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="225" />
      <source>标注画在副本上;原图保持不变,作为证据保存,报告中打印原图校验码。</source>
      <translation>Markup is drawn on a copy; the original stays unchanged as evidence, and reports print its checksum.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="229" />
      <source>取消</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="229" />
      <source>放弃本次修改</source>
      <translation>Discard these changes</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="231" />
      <source>保存</source>
      <translation>Save</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_markup.py" line="231" />
      <source>保存标注并生成标注副本</source>
      <translation>Save the markup and make the marked copy</translation>
    </message>
  </context>
  <context>
    <name>PhotoStrip</name>
    <message>
      <location filename="../../steward/ui/widgets/photo_strip.py" line="72" />
      <source>添加照片</source>
      <translation>Add photos</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_strip.py" line="74" />
      <source>粘贴</source>
      <translation>Paste</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_strip.py" line="75" />
      <source>粘贴剪贴板中的图片或文件 (Ctrl+V)</source>
      <translation>Paste an image or files from the clipboard (Ctrl+V)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_strip.py" line="77" />
      <source>删除所选</source>
      <translation>Delete selected</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_strip.py" line="79" />
      <source>撤销删除</source>
      <translation>Undo delete</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_strip.py" line="144" />
      <source>照片缺失</source>
      <translation>Photo missing</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_strip.py" line="152" />
      <source>选择照片</source>
      <translation>Choose photos</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_strip.py" line="152" />
      <source>照片</source>
      <translation>Photos</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_strip.py" line="201" />
      <source>剪贴板中没有图片。</source>
      <translation>No image on the clipboard.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_strip.py" line="221" />
      <source>撤销删除({n}张)</source>
      <translation>Undo delete ({n})</translation>
    </message>
  </context>
  <context>
    <name>PhotoViewer</name>
    <message>
      <location filename="../../steward/ui/widgets/photo_viewer.py" line="32" />
      <source>标注…</source>
      <translation>Mark up…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_viewer.py" line="33" />
      <source>在副本上画圈、箭头、文字或模糊人脸车牌;原图不变</source>
      <translation>Draw circles, arrows, text or blur faces and plates on a copy; the original stays unchanged</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_viewer.py" line="55" />
      <source>照片文件缺失(可运行“检查档案”查看)</source>
      <translation>Photo file missing (run "check profile" to see)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_viewer.py" line="60" />
      <source>拍摄时间:{t}</source>
      <translation>Taken: {t}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_viewer.py" line="60" />
      <source>未知</source>
      <translation>unknown</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_viewer.py" line="62" />
      <source>位置:{lat:.5f}, {lon:.5f}</source>
      <translation>Location: {lat:.5f}, {lon:.5f}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_viewer.py" line="64" />
      <source>已标注(原图不变)</source>
      <translation>Marked up (original unchanged)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_viewer.py" line="65" />
      <source>原图校验码:{sha}</source>
      <translation>Original's checksum: {sha}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/photo_viewer.py" line="36" />
      <source>删除此照片</source>
      <translation>Delete this photo</translation>
    </message>
  </context>
  <context>
    <name>RatingView</name>
    <message>
      <location filename="../../steward/ui/widgets/rating_view.py" line="59" />
      <source>日期</source>
      <translation>Date</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/rating_view.py" line="59" />
      <source>颜色变化</source>
      <translation>Colour change</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/rating_view.py" line="59" />
      <source>原因</source>
      <translation>Reasons</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/rating_view.py" line="66" />
      <source>颜色变化(何时、为何)</source>
      <translation>Colour changes (when and why)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/rating_view.py" line="75" />
      <source>截至 {day} 的三色码及原因</source>
      <translation>Colour rating as of {day}, and why</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/rating_view.py" line="80" />
      <source>正在计算…</source>
      <translation>Working it out…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/rating_view.py" line="120" />
      <source>三色码无法计算</source>
      <translation>The colour rating cannot be worked out</translation>
    </message>
  </context>
  <context>
    <name>RecheckPanel</name>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="213" />
      <source>复查:本企业尚未整改的问题共 {n} 个</source>
      <translation>Re-check: open findings at this enterprise: {n}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="217" />
      <source>没有需要复查的问题。</source>
      <translation>No findings to re-check.</translation>
    </message>
  </context>
  <context>
    <name>RecheckRow</name>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="38" />
      <source>已整改</source>
      <translation>Rectified</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="39" />
      <source>部分整改</source>
      <translation>Partly rectified</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="40" />
      <source>未整改</source>
      <translation>Not rectified</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="57" />
      <source>{sev} · {loc} · 发现于 {found} · 期限 {deadline}</source>
      <translation>{sev} · {loc} · found {found} · deadline {deadline}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="59" />
      <source>未注明位置</source>
      <translation>no location</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="63" />
      <source>已逾期 {n} 天</source>
      <translation>{n} days overdue</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="66" />
      <source>复查意见(选择结果前后均可填写)</source>
      <translation>Re-check note (before or after choosing the outcome)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="88" />
      <source>选择复查结果后,可在此添加整改后照片。</source>
      <translation>Choose the outcome, then add after-rectification photos here.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="93" />
      <source>发现时的照片</source>
      <translation>Photos when found</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="94" />
      <source>发现时没有拍照。</source>
      <translation>No photos when found.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="101" />
      <source>今日复查照片</source>
      <translation>Today's re-check photos</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="154" />
      <source>部分整改:新的整改期限</source>
      <translation>Partly rectified: new deadline</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="165" />
      <source>尚未整改的部分,企业须在何日前完成?</source>
      <translation>By which date must the enterprise finish the rest?</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="182" />
      <source>新整改期限:{d}</source>
      <translation>New deadline: {d}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/recheck_panel.py" line="119" />
      <source>{now}(原期限 {was})</source>
      <translation>{now} (first deadline {was})</translation>
    </message>
  </context>
  <context>
    <name>SettingsDialog</name>
    <message>
      <location filename="../../steward/ui/widgets/settings_dialog.py" line="29" />
      <source>设置</source>
      <translation>Settings</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/settings_dialog.py" line="42" />
      <source>选择…</source>
      <translation>Choose…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/settings_dialog.py" line="66" />
      <source>选择标志图片</source>
      <translation>Choose a logo image</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/settings_dialog.py" line="66" />
      <source>图片</source>
      <translation>Images</translation>
    </message>
    <message>
      <source>检查人员姓名</source>
      <translation>Steward's name</translation>
    </message>
    <message>
      <source>服务机构名称</source>
      <translation>Service firm</translation>
    </message>
    <message>
      <source>保险公司名称</source>
      <translation>Insurer</translation>
    </message>
    <message>
      <source>保险保单号</source>
      <translation>Insurance policy number</translation>
    </message>
    <message>
      <source>通知书编号前缀</source>
      <translation>Notice number prefix</translation>
    </message>
    <message>
      <source>巡查周期(天)</source>
      <translation>Days between visits</translation>
    </message>
    <message>
      <source>报告页眉标志(图片文件)</source>
      <translation>Letterhead logo (image file)</translation>
    </message>
    <message>
      <source>整改通知书联数</source>
      <translation>Copies of a notice</translation>
    </message>
    <message>
      <source>同步服务器地址</source>
      <translation>Hub address</translation>
    </message>
    <message>
      <source>同步令牌</source>
      <translation>Sync token</translation>
    </message>
    <message>
      <source>同步服务器的 CA 证书文件(自建证书时填写)</source>
      <translation>Hub's CA certificate file (private CA)</translation>
    </message>
    <message>
      <source>同步后删除多少天前的照片原件(0=保留)</source>
      <translation>Delete synced originals older than N days (0 = keep)</translation>
    </message>
    <message>
      <source>保留的自动备份份数</source>
      <translation>Automatic backups kept</translation>
    </message>
    <message>
      <source>界面语言(zh_CN 或 en,留空跟随系统)</source>
      <translation>Interface language (zh_CN or en, empty: system's)</translation>
    </message>
  </context>
  <context>
    <name>SignatureBox</name>
    <message>
      <location filename="../../steward/ui/widgets/finish_dialog.py" line="35" />
      <source>重签</source>
      <translation>Clear</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finish_dialog.py" line="37" />
      <source>拒绝签字</source>
      <translation>Refused to sign</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finish_dialog.py" line="39" />
      <source>见证人姓名及身份</source>
      <translation>Witness's name and role</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/finish_dialog.py" line="43" />
      <source>姓名</source>
      <translation>Name</translation>
    </message>
  </context>
  <context>
    <name>SignaturePad</name>
    <message>
      <location filename="../../steward/ui/widgets/signature_pad.py" line="23" />
      <source>在此处签名(鼠标、手写笔或手指)</source>
      <translation>Sign here (mouse, pen or finger)</translation>
    </message>
  </context>
  <context>
    <name>StartVisitDialog</name>
    <message>
      <location filename="../../steward/ui/widgets/start_visit_dialog.py" line="34" />
      <source>开始巡查 — {name}</source>
      <translation>Start visit — {name}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/start_visit_dialog.py" line="47" />
      <source>全选</source>
      <translation>All</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/start_visit_dialog.py" line="49" />
      <source>全不选</source>
      <translation>None</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/start_visit_dialog.py" line="53" />
      <source>开始</source>
      <translation>Start</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/start_visit_dialog.py" line="57" />
      <source>本次检查的项目:</source>
      <translation>Items to check this time:</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/start_visit_dialog.py" line="61" />
      <source>巡查类型</source>
      <translation>Visit type</translation>
    </message>
  </context>
  <context>
    <name>Steward</name>
    <message>
      <location filename="../../steward/ui/language.py" line="22" />
      <source>环保管家 Steward</source>
      <translation>Steward</translation>
    </message>
  </context>
  <context>
    <name>SyncScreen</name>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="39" />
      <source>http://服务器地址:8750</source>
      <translation>http://hub-address:8750</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="43" />
      <source>立即同步</source>
      <translation>Sync now</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="46" />
      <source>取消</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="54" />
      <source>同步服务器</source>
      <translation>Hub</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="55" />
      <source>同步令牌</source>
      <translation>Sync token</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="66" />
      <source>同步记录</source>
      <translation>Sync log</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="73" />
      <source>待同步:巡查 {v} 次 · 记录 {r} 条 · 照片和签名 {b} 个 · {mb:.1f} MB</source>
      <translation>To sync: {v} visits · {r} records · {b} photos and signatures · {mb:.1f} MB</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="77" />
      <source> · 服务器拒收、未上传 {n} 条(修改后重新上传)</source>
      <translation> · {n} refused by the hub, not sent (sent again once changed)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="118" />
      <source>正在生成巡查文书 {n}/{total}…</source>
      <translation>Making visit documents {n}/{total}…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="121" />
      <source>正在上传记录…</source>
      <translation>Uploading records…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="121" />
      <source>正在下载同事的更新…</source>
      <translation>Downloading colleagues' updates…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="129" />
      <source>{done:.1f} / {total:.1f} MB · {rate:.1f} MB/s · 剩余约 {left:.0f} 秒</source>
      <translation>{done:.1f} / {total:.1f} MB · {rate:.1f} MB/s · about {left:.0f} s left</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="157" />
      <source>{t} 跳过:{entity} {id}({why})</source>
      <translation>{t} skipped: {entity} {id} ({why})</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="161" />
      <source>{t} 同步完成,用时 {s:.1f} 秒</source>
      <translation>{t} synced in {s:.1f} s</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="175" />
      <source>请在本页“同步令牌”中填入管理员发给您的令牌(注意不要多出空格),再点同步。</source>
      <translation>Enter the sync token your administrator gave you in "Sync token" on this page (no extra spaces), then sync again.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="179" />
      <source>服务器地址可能填错了:请核对“服务器地址”(管理员提供的 Steward Hub 地址,如 http://192.168.1.10:8000)。</source>
      <translation>The hub address may be wrong: check "Hub" (the Steward Hub address from your administrator, e.g. http://192.168.1.10:8000).</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="184" />
      <source>上传的内容太大,服务器拒收:请联系管理员调大服务器的上传限制。</source>
      <translation>The upload is too large for the hub: ask your administrator to raise its upload limit.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="188" />
      <source>服务器磁盘已满:请联系管理员清理空间;本机内容都已保存,稍后再同步即可。</source>
      <translation>The hub's disk is full: ask your administrator to free space. Everything is saved on this laptop; sync again later.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="192" />
      <source>服务器内部出错:本机内容都已保存,请稍后再试;一直如此请联系管理员。</source>
      <translation>The hub had an internal error. Everything is saved on this laptop; try again later, and tell your administrator if it persists.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/sync.py" line="196" />
      <source>请核对服务器地址和令牌;仍不行请把这条信息发给管理员。</source>
      <translation>Check the hub address and token; if it still fails, send this message to your administrator.</translation>
    </message>
  </context>
  <context>
    <name>UnassignedPanel</name>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="68" />
      <source>分配到所选检查项</source>
      <translation>Assign to the selected item</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="74" />
      <source>从相机导入、尚未分配的照片:选中照片,再选择检查项。</source>
      <translation>Camera photos not yet assigned: select photos, then choose an item.</translation>
    </message>
  </context>
  <context>
    <name>VisitScreen</name>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="124" />
      <source>导入相机文件夹…</source>
      <translation>Import camera folder…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="126" />
      <source>完成巡查…</source>
      <translation>Finish visit…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="128" />
      <source>修订…</source>
      <translation>Amend…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="130" />
      <source>整改通知书</source>
      <translation>Rectification notice</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="132" />
      <source>巡查报告</source>
      <translation>Visit report</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="134" />
      <source>返回</source>
      <translation>Back</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="157" />
      <source>跳转:输入编号或关键词,回车</source>
      <translation>Go to: type a number or keyword, press Enter</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="177" />
      <source>◀ 上一项</source>
      <translation>◀ Previous</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="179" />
      <source>下一项 ▶</source>
      <translation>Next ▶</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="182" />
      <source>其余全部合格…</source>
      <translation>All the rest compliant…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="257" />
      <source>已锁定 · 本次巡查已于 {at} 完成,内容不能再更改。如确需更正,请点“修订…”并填写理由。</source>
      <translation>Locked · this visit was finished at {at} and cannot be changed. To correct it, click "Amend…" and give a reason.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="259" />
      <source>修订中 · 正在修订已锁定的巡查(理由:{reason})。每项更改都记入审计日志;照片不能更改。</source>
      <translation>Amending a locked visit (reason: {reason}). Every change goes into the audit log; photos cannot be changed.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="301" />
      <source>复查未整改问题 ({n})</source>
      <translation>Re-check open findings ({n})</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="303" />
      <source>未分配照片 ({n})</source>
      <translation>Unassigned photos ({n})</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="320" />
      <source>  问题 {n}</source>
      <translation>  Finding {n}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="323" />
      <source>已检查 {done}/{total} 项</source>
      <translation>{done}/{total} items checked</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="327" />
      <source> · 不合格 {n} 项({parts})</source>
      <translation> · {n} non-compliant ({parts})</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="400" />
      <source>没有找到“{t}”。</source>
      <translation>Nothing found for "{t}".</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="415" />
      <source>其余全部合格</source>
      <translation>All the rest compliant</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="416" />
      <source>将把尚未检查的 {n} 项全部记为“合格”:
{codes}
确定这些项都已现场看过且合格吗?</source>
      <translation>This records all {n} unchecked items as "Compliant":
{codes}
Have you seen them all on site and are they compliant?</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="456" />
      <source>选择相机文件夹(如 DCIM)</source>
      <translation>Choose the camera folder (e.g. DCIM)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="492" />
      <source>已导入 {n} 张照片。</source>
      <translation>Imported {n} photos.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="495" />
      <source>本次巡查中已有、未重复导入 {n} 张:{names}</source>
      <translation>{n} already in this visit, not imported again: {names}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="499" />
      <source>无法读取,未导入:{name}({reason})</source>
      <translation>Unreadable, not imported: {name} ({reason})</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="506" />
      <source>导入相机照片</source>
      <translation>Import camera photos</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="541" />
      <source>完成前请检查</source>
      <translation>Check before finishing</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="542" />
      <source>完成后巡查将锁定。以下内容请先核对:</source>
      <translation>The visit locks when finished. Please check first:</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="546" />
      <source>返回修改</source>
      <translation>Go back and edit</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="547" />
      <source>仍然完成</source>
      <translation>Finish anyway</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="556" />
      <source>巡查已完成</source>
      <translation>Visit finished</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="556" />
      <source>巡查已完成并锁定。现在打印整改通知书交给企业吗?</source>
      <translation>The visit is finished and locked. Print the rectification notice for the enterprise now?</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="570" />
      <source>修订已完成的巡查</source>
      <translation>Amend the finished visit</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="570" />
      <source>修订理由(将记入审计日志):</source>
      <translation>Reason for the amendment (goes into the audit log):</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="574" />
      <source>修订</source>
      <translation>Amend</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/visit.py" line="574" />
      <source>修订必须填写理由。</source>
      <translation>An amendment needs a reason.</translation>
    </message>
  </context>
  <context>
    <name>tables</name>
    <message>
      <location filename="../../steward/ui/widgets/tables.py" line="36" />
      <source>清除</source>
      <translation>Clear</translation>
    </message>
  </context>
  <context>
    <name>labels</name>
    <message>
      <source>重大</source>
      <translation>Major</translation>
    </message>
    <message>
      <source>较重</source>
      <translation>Serious</translation>
    </message>
    <message>
      <source>一般</source>
      <translation>General</translation>
    </message>
    <message>
      <source>首次全面检查</source>
      <translation>First full check</translation>
    </message>
    <message>
      <source>日常巡查</source>
      <translation>Routine</translation>
    </message>
    <message>
      <source>专项检查</source>
      <translation>Special</translation>
    </message>
    <message>
      <source>投诉核查</source>
      <translation>Complaint</translation>
    </message>
    <message>
      <source>复查</source>
      <translation>Re-check</translation>
    </message>
    <message>
      <source>合格</source>
      <translation>Compliant</translation>
    </message>
    <message>
      <source>不合格</source>
      <translation>Not compliant</translation>
    </message>
    <message>
      <source>不适用</source>
      <translation>Not applicable</translation>
    </message>
    <message>
      <source>进行中</source>
      <translation>In progress</translation>
    </message>
    <message>
      <source>已完成</source>
      <translation>Finished</translation>
    </message>
    <message>
      <source>发现问题</source>
      <translation>Finding recorded</translation>
    </message>
    <message>
      <source>企业报告已整改</source>
      <translation>Enterprise reports rectified</translation>
    </message>
    <message>
      <source>复查:已整改</source>
      <translation>Re-check: Rectified</translation>
    </message>
    <message>
      <source>复查:部分整改</source>
      <translation>Re-check: Partly rectified</translation>
    </message>
    <message>
      <source>复查:未整改</source>
      <translation>Re-check: Not rectified</translation>
    </message>
    <message>
      <source>重新打开</source>
      <translation>Reopened</translation>
    </message>
    <message>
      <source>免于整改</source>
      <translation>Waived</translation>
    </message>
    <message>
      <source>待整改</source>
      <translation>Open</translation>
    </message>
    <message>
      <source>待复查</source>
      <translation>Awaiting re-check</translation>
    </message>
    <message>
      <source>部分整改</source>
      <translation>Partly rectified</translation>
    </message>
    <message>
      <source>已整改</source>
      <translation>Rectified</translation>
    </message>
    <message>
      <source>已豁免</source>
      <translation>Waived</translation>
    </message>
    <message>
      <source>红码</source>
      <translation>Red</translation>
    </message>
    <message>
      <source>黄码</source>
      <translation>Yellow</translation>
    </message>
    <message>
      <source>绿码</source>
      <translation>Green</translation>
    </message>
    <message>
      <source>信访投诉</source>
      <translation>Complaint</translation>
    </message>
    <message>
      <source>行政处罚/立案</source>
      <translation>Penalty/case</translation>
    </message>
    <message>
      <source>危险废物违法</source>
      <translation>Hazardous-waste violation</translation>
    </message>
  </context>
  <context>
    <name>BarFindingsDialog</name>
    <message>
      <location filename="../../steward/ui/widgets/bar_findings.py" line="47" />
      <source>企业</source>
      <translation>Enterprise</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/bar_findings.py" line="48" />
      <source>发现日期</source>
      <translation>Found on</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/bar_findings.py" line="49" />
      <source>检查项</source>
      <translation>Item</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/bar_findings.py" line="50" />
      <source>类别</source>
      <translation>Category</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/bar_findings.py" line="52" />
      <source>等级</source>
      <translation>Severity</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/bar_findings.py" line="56" />
      <source>整改期限</source>
      <translation>Deadline</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/bar_findings.py" line="57" />
      <source>期末状态</source>
      <translation>Status at period end</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/bar_findings.py" line="58" />
      <source>逾期天数</source>
      <translation>Days overdue</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/bar_findings.py" line="59" />
      <source>问题描述</source>
      <translation>Problem</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/bar_findings.py" line="72" />
      <source>共 {n} 个问题;状态和逾期天数为截至 {as_of} 的情况。双击一行查看该问题的整改记录。</source>
      <translation>{n} findings; status and days overdue as of {as_of}. Double-click a row to see the finding's history.</translation>
    </message>
  </context>
  <context>
    <name>ColourEnterprisesDialog</name>
    <message>
      <location filename="../../steward/ui/widgets/bar_findings.py" line="98" />
      <source>企业</source>
      <translation>Enterprise</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/bar_findings.py" line="99" />
      <source>原因</source>
      <translation>Reasons</translation>
    </message>
    <message>
      <location filename="../../steward/ui/widgets/bar_findings.py" line="116" />
      <source>共 {n} 家企业。</source>
      <translation>{n} enterprises.</translation>
    </message>
  </context>
  <context>
    <name>DashboardScreen</name>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="61" />
      <source>本月</source>
      <translation>This month</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="62" />
      <source>上月</source>
      <translation>Last month</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="63" />
      <source>本季度</source>
      <translation>This quarter</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="64" />
      <source>本年</source>
      <translation>This year</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="65" />
      <source>自定义</source>
      <translation>Custom</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="71" />
      <source>至</source>
      <translation>to</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="76" />
      <source>刷新</source>
      <translation>Refresh</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="81" />
      <source>期间</source>
      <translation>Period</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="85" />
      <source>范围</source>
      <translation>Group</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="92" />
      <source>发现问题</source>
      <translation>Found</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="93" />
      <location filename="../../steward/ui/screens/dashboard.py" line="273" />
      <source>已整改</source>
      <translation>Rectified</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="94" />
      <source>整改率</source>
      <translation>Rectification rate</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="95" />
      <source>待整改</source>
      <translation>Open</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="96" />
      <source>逾期</source>
      <translation>Overdue</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="101" />
      <source>按月:本期发现的问题,及其中已整改者(按整改月份)</source>
      <translation>By month: findings found in the period, and those of them rectified (by month rectified)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="102" />
      <source>问题等级</source>
      <translation>Severity</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="103" />
      <source>按检查类别</source>
      <translation>By checklist category</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="104" />
      <location filename="../../steward/ui/screens/dashboard.py" line="293" />
      <source>逾期账龄(逾期天数)</source>
      <translation>Overdue ageing (days overdue)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="105" />
      <location filename="../../steward/ui/screens/dashboard.py" line="213" />
      <location filename="../../steward/ui/screens/dashboard.py" line="314" />
      <source>三色码企业数(月末)</source>
      <translation>Enterprises by colour (month end)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="185" />
      <source>环保管家:{name}</source>
      <translation>Steward: {name}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="187" />
      <source>行业:{name}</source>
      <translation>Industry: {name}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="187" />
      <source>未填</source>
      <translation>not given</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="189" />
      <source>园区:{name}</source>
      <translation>Park: {name}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="189" />
      <source>园区外企业</source>
      <translation>Outside any park</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="191" />
      <source>乡镇:{name}</source>
      <translation>Town: {name}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="192" />
      <source>全部企业</source>
      <translation>All enterprises</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="212" />
      <source>正在统计 {first} 至 {last}…</source>
      <translation>Counting {first} to {last}…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="213" />
      <source>正在计算…</source>
      <translation>calculating…</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="254" />
      <source>统计期间 {first} 至 {last},{group};各项数字截至 {as_of}。</source>
      <translation>Period {first} to {last}, {group}; every figure as of {as_of}.</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="258" />
      <source>本期完成的巡查发现的问题(按发现日期计入)</source>
      <translation>Found by the period's finished visits (counted by the date found)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="259" />
      <source>其中截至 {as_of} 已整改</source>
      <translation>Of those, rectified as of {as_of}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="260" />
      <source>已整改 ÷ 发现问题,保留一位小数</source>
      <translation>Rectified ÷ found, one decimal</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="263" />
      <source>截至 {as_of} 尚待整改(另有已豁免 {waived} 个)</source>
      <translation>Still open as of {as_of} ({waived} more waived)</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="266" />
      <source>截至 {as_of} 未整改且已过整改期限</source>
      <translation>Open and past the deadline as of {as_of}</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="273" />
      <source>发现</source>
      <translation>Found</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="278" />
      <location filename="../../steward/ui/screens/dashboard.py" line="285" />
      <source>问题数</source>
      <translation>Findings</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="283" />
      <source>其余 {n} 类</source>
      <translation>{n} more</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="287" />
      <source>0–7天</source>
      <translation>0–7 days</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="288" />
      <source>8–30天</source>
      <translation>8–30 days</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="289" />
      <source>31–90天</source>
      <translation>31–90 days</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="290" />
      <source>90天以上</source>
      <translation>&gt;90 days</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="292" />
      <source>逾期问题</source>
      <translation>Overdue findings</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="294" />
      <source>— 无逾期问题</source>
      <translation>— none overdue</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="313" />
      <source>红码</source>
      <translation>Red</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="313" />
      <source>黄码</source>
      <translation>Yellow</translation>
    </message>
    <message>
      <location filename="../../steward/ui/screens/dashboard.py" line="313" />
      <source>绿码</source>
      <translation>Green</translation>
    </message>
  </context>
</TS>