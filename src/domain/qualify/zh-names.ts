// The most common Chinese surnames cover well over 90% of people; a name is a surname plus one or two
// characters. Used to tell a name line ("王磊") from a short reply line ("好的").
const SINGLE =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝';
const DOUBLE = ['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '令狐'];

export function startsWithSurname(s: string): boolean {
  if (DOUBLE.some((d) => s.startsWith(d))) return true;
  const first = s.charAt(0);
  return first !== '' && SINGLE.includes(first);
}

/** A bare Chinese personal name: surname plus one or two characters, nothing else. */
export function isChineseName(s: string): boolean {
  const t = s.trim();
  return /^[\u4e00-\u9fff]{2,4}$/.test(t) && startsWithSurname(t);
}
