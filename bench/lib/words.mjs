/**
 * Vocabulary of the synthetic corpus: plain words and name parts from which
 * every headline, paragraph, publication, category and sharer is drawn.
 */

export const FUNCTION_WORDS = (
  'the the the the a a an of of of to to to in in in and and and on for with by at from as that that ' +
  'which while after before during since about over under between against into through its their our ' +
  'this these those it they he she we was were is are has have had will would could should may not also'
).split(' ');

export const NOUNS = (
  'ministry council village school harvest river bridge election court festival museum archive border ' +
  'winter spring market railway hospital library parliament community church choir orchard vineyard ' +
  'mountain valley teacher student doctor farmer reporter delegation agreement statement question answer ' +
  'report budget season journey mayor governor region province district capital highway airport port ' +
  'factory mine reservoir pipeline grid network system program policy reform law decree court appeal ' +
  'ruling verdict commission committee board panel survey census study analysis forecast estimate figure ' +
  'price wage salary pension tax tariff export import trade deal contract tender grant loan debt bond ' +
  'bank fund investor company startup firm industry sector economy growth inflation currency rate ' +
  'water energy gas power electricity heating road tunnel station depot ferry truck convoy shipment ' +
  'aid relief shelter refugee family child parent resident neighbour volunteer worker union strike protest ' +
  'rally march vote ballot campaign candidate party coalition opposition minister president envoy ' +
  'ambassador mission talks summit meeting conference forum session hearing inquiry audit scandal ' +
  'archive manuscript exhibition concert theatre film book novel poem song dance painting monument ' +
  'church monastery cathedral chapel heritage tradition language dialect alphabet literature history ' +
  'memory anniversary ceremony celebration holiday feast wedding funeral harvest orchard apricot grape ' +
  'wine bread cheese honey tea coffee market bazaar shop stall kitchen restaurant recipe dish garden ' +
  'forest lake shore coast island plateau canyon glacier storm flood drought fire earthquake landslide ' +
  'clinic vaccine patient nurse surgeon treatment research laboratory university campus lecture exam ' +
  'scholarship athlete team match tournament championship league coach stadium medal record victory'
).split(' ');

export const VERBS = (
  'said announced reported confirmed denied rejected approved signed opened closed launched started ' +
  'finished completed delayed postponed cancelled extended expanded reduced raised lowered cut doubled ' +
  'visited toured hosted welcomed received met discussed debated reviewed examined inspected measured ' +
  'counted recorded published released issued ordered requested demanded urged warned praised criticized ' +
  'supported opposed blocked reopened rebuilt repaired restored renovated planted harvested shipped ' +
  'delivered carried moved returned arrived left crossed reached joined formed founded elected appointed ' +
  'replaced dismissed charged arrested released acquitted fined sued settled agreed promised expected'
).split(' ');

export const ADJECTIVES = (
  'new old local regional national international public private small large major minor early late ' +
  'annual monthly weekly daily first second third final recent current former future central northern ' +
  'southern eastern western rural urban remote ancient modern historic cultural economic political ' +
  'social legal medical academic digital seasonal temporary permanent joint independent official ' +
  'preliminary detailed broad narrow sharp steady slow rapid quiet busy crowded empty full partial'
).split(' ');

export const PLACES = (
  'Ararat Aragats Lori Shirak Syunik Tavush Kotayk Gegharkunik Vayots Armavir Masis Sevan Dilijan ' +
  'Goris Meghri Kapan Ijevan Gyumri Vanadzor Hrazdan Abovyan Ashtarak Etchmiadzin Artashat Yeghegnadzor ' +
  'Jermuk Sisian Stepanavan Alaverdi Berd Noyemberyan Martuni Vardenis Talin Aparan Spitak Tashir ' +
  'Riverside Hillcrest Lakeside Northgate Eastbrook Westfield Southport Oakvale Pinecrest Stonebridge ' +
  'Millbrook Fairhaven Brookside Clearwater Redcliff Greenhill Silverlake Kingsbury Ashford Elmwood'
).split(' ');

export const PAPER_WORDS = (
  'Herald Times Post Weekly Daily Chronicle Gazette Observer Courier Monitor Tribune Review Journal ' +
  'Bulletin Dispatch Mirror Voice Echo Standard Record Sentinel Express Register Press Report News Star'
).split(' ');

export const DOMAINS = 'am com org net info news media press today online'.split(' ');

export const FIRST_NAMES = (
  'Emma Aram Lena Davit Anna Hayk Mariam Tigran Sona Narek Lilit Armen Ani Gor Nare Vahe Karine Levon ' +
  'Arpi Samvel Tatev Hovhannes Gayane Sevak Nune Ruben Astghik Edgar Lusine Vardan Ruzanna Artur Milena ' +
  'Grace Daniel Sofia Michael Laura Peter Julia Thomas Clara Simon Helen Oliver Maria Lucas Nina Adam'
).split(' ');

export const LAST_NAMES = (
  'Jilavian Petrosyan Hakobyan Sargsyan Grigoryan Harutyunyan Khachatryan Vardanyan Avetisyan Mkrtchyan ' +
  'Karapetyan Ghazaryan Martirosyan Hovhannisyan Poghosyan Manukyan Gevorgyan Stepanyan Simonyan Davtyan ' +
  'Babayan Aslanyan Arakelyan Melkonian Kazarian Tashjian Der-Bedrossian Boyajian Keshishian Minassian ' +
  "Miller Novak Weber Rossi Dubois O'Neill Kowalski Jensen Moreau Costa Fischer Bianchi Laurent Silva"
).split(' ');

/** Names written in Armenian script: sharers and categories are not all Latin. */
export const ARMENIAN_NAMES = ['Արամ Պետրոսյան', 'Անի Հակոբյան', 'Տիգրան Սարգսյան', 'Լիլիթ Գրիգորյան', 'Նարեկ Վարդանյան', 'Մարիամ Ավետիսյան'];
export const ARMENIAN_CATEGORIES = ['Մշակույթ', 'Կրթություն', 'Տնտեսություն', 'Առողջապահություն', 'Սպորտ'];
